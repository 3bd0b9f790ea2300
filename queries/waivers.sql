-- waivers: every approved waiver of a ticket created in the period, with the SLA row it takes
-- out of compliance and credits, for the audit appendix.
--
-- Definition: one row per accepted row of waivers.csv and `ticket_sla` row it applies to: a
-- waiver names a ticket and a metric (`waiver_metric`, as filed); it applies to the ticket's
-- row of that metric, or to every row of the ticket when the metric is `all` (`metric` is the
-- row's). The row keeps its state, target, elapsed time and breach instant (shown here): the
-- waiver only leaves it out of met and breached (sla_compliance, contract_review). A waiver
-- that matches no row (the ticket has no target for that metric) is still listed, with the
-- row's columns empty. The period is the ticket's (created_at), as for every SLA figure.
with filed as (
    select
        w.ticket_id,
        w.metric as waiver_metric,
        w.reason,
        w.approved_by,
        w.note,
        f.period,
        f.customer_id,
        f.contract_id
    from waivers_filed w
    join ticket_facts f on w.ticket_id = f.ticket_id
    join periods p on f.period = p.period
),

applied as (
    select
        w.ticket_id,
        w.waiver_metric,
        s.metric,
        s.state,
        s.target_seconds,
        s.elapsed_seconds,
        s.breached_at,
        s.clock
    from filed w
    join ticket_sla s on w.ticket_id = s.ticket_id
    where w.waiver_metric = 'all' or w.waiver_metric = s.metric
),

final as (
    select
        w.period,
        w.ticket_id,
        w.customer_id,
        w.contract_id,
        w.waiver_metric,
        a.metric,
        w.reason,
        w.approved_by,
        w.note,
        a.state,
        a.target_seconds,
        a.elapsed_seconds,
        a.breached_at,
        a.clock
    from filed w
    left join applied a on w.ticket_id = a.ticket_id and w.waiver_metric = a.waiver_metric
)

select * from final
order by
    period,
    contract_id,
    ticket_id,
    case metric
        when 'first_response' then 1
        when 'update' then 2
        when 'resolution' then 3
        when 'system_down' then 4
        else 5
    end
