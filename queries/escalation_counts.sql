-- escalation_counts: how many escalations each customer, contract and engineer had in the
-- period, and the change from the previous period.
--
-- Definition: escalations raised in the period (`escalations`, the instant of the escalate
-- event in the reporting zone) counted for the team (`all`), per customer, per contract
-- (tickets outside any contract are left out of this dimension) and per engineer (the assignee
-- in force at the escalation, so an escalation after a reassignment counts for the new holder;
-- key empty = unassigned). `escalations` counts events, `tickets` distinct tickets;
-- `previous_escalations` is the same key's count in the previous period (0 when none) and
-- `change` = escalations - previous_escalations. A key is listed when it had an escalation in
-- the period or in the previous one (so a drop to zero shows).
with events as (
    select
        period,
        ticket_id,
        customer_id,
        contract_id,
        coalesce(engineer_id, '') as engineer_id
    from escalation_events
),

keyed as (
    select period, 'all' as dimension, 'all' as key, ticket_id from events
    union all
    select period, 'customer' as dimension, customer_id as key, ticket_id from events
    union all
    select period, 'contract' as dimension, contract_id as key, ticket_id from events
    where contract_id is not null
    union all
    select period, 'engineer' as dimension, engineer_id as key, ticket_id from events
),

counted as (
    select
        period,
        dimension,
        key,
        count(*) as escalations,
        count(distinct ticket_id) as tickets
    from keyed
    group by period, dimension, key
),

listed as (
    select distinct period, dimension, key
    from (
        select p.period, c.dimension, c.key
        from periods p
        join counted c on c.period = p.period
        union all
        select p.period, c.dimension, c.key
        from periods p
        join counted c on c.period = p.previous_period
    ) x
),

final as (
    select
        l.period,
        l.dimension,
        l.key,
        cast(coalesce(cur.escalations, 0) as bigint) as escalations,
        cast(coalesce(cur.tickets, 0) as bigint) as tickets,
        cast(coalesce(prev.escalations, 0) as bigint) as previous_escalations,
        cast(coalesce(cur.escalations, 0) as bigint)
            - cast(coalesce(prev.escalations, 0) as bigint) as change
    from listed l
    join periods p on l.period = p.period
    left join counted cur
        on cur.period = l.period and cur.dimension = l.dimension and cur.key = l.key
    left join counted prev
        on prev.period = p.previous_period and prev.dimension = l.dimension and prev.key = l.key
)

select * from final
order by period, dimension, escalations desc, key
