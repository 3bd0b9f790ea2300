-- sla_summary: the SLA compliance of the whole team, of each customer, each contract and each
-- priority, per period and metric.
--
-- Definition: sla_compliance's counts added up over the rows of the key: `dimension` says what
-- `key` is: `all` (key `all`), `customer` (key customer_id), `contract` (key contract_id;
-- tickets outside any contract, which have only system_down rows, are left out of this
-- dimension) or `priority` (`P1`..`P4`). As in sla_compliance, a waived row counts in
-- `tickets` and `waived` only, so tickets = met + breached + in_progress + not_applicable +
-- waived; compliance = met / (met + breached), empty when nothing was met or breached.
with counts as (
    select * from sla_compliance
),

keyed as (
    select period, 'all' as dimension, 'all' as key, metric, tickets, met, breached,
        in_progress, not_applicable, waived
    from counts
    union all
    select period, 'customer' as dimension, customer_id as key, metric, tickets, met, breached,
        in_progress, not_applicable, waived
    from counts
    union all
    select period, 'contract' as dimension, contract_id as key, metric, tickets, met, breached,
        in_progress, not_applicable, waived
    from counts
    where contract_id is not null
    union all
    select period, 'priority' as dimension, priority as key, metric, tickets, met, breached,
        in_progress, not_applicable, waived
    from counts
),

pooled as (
    select
        period,
        dimension,
        key,
        metric,
        sum(tickets) as tickets,
        sum(met) as met,
        sum(breached) as breached,
        sum(in_progress) as in_progress,
        sum(not_applicable) as not_applicable,
        sum(waived) as waived
    from keyed
    group by period, dimension, key, metric
),

final as (
    select
        period,
        dimension,
        key,
        metric,
        tickets,
        met,
        breached,
        in_progress,
        not_applicable,
        waived,
        100.0 * met / nullif(met + breached, 0) as compliance_pct
    from pooled
)

select * from final
order by
    period,
    dimension,
    key,
    case metric
        when 'first_response' then 1
        when 'update' then 2
        when 'resolution' then 3
        else 4
    end
