-- fcr_summary: first-contact resolution and reopen rate pooled by period for the team, each
-- customer, each contract and each priority.
--
-- Definition: the rule of `fcr` (tickets created in the period; FCR = one-touch tickets / the
-- tickets done at as_of with an agent reply; reopen rate = tickets reopened by as_of / tickets
-- solved at least once), counted over every ticket of the key instead of per customer and
-- priority. Tickets outside any contract are left out of the contract dimension. A rate with
-- no ticket under it is null.
with tickets_in as (
    select f.*
    from ticket_facts f
    join periods p on f.period = p.period
),

flags as (
    select
        period,
        customer_id,
        contract_id,
        priority,
        case when status_at_as_of in ('solved', 'closed') and agent_replies > 0
            then 1 else 0 end as is_fcr_ticket,
        case when status_at_as_of in ('solved', 'closed') and agent_replies > 0
            and one_touch then 1 else 0 end as is_one_touch,
        case when first_solved_at is not null then 1 else 0 end as is_solved,
        case when first_solved_at is not null and reopens > 0 then 1 else 0 end as is_reopened
    from tickets_in
),

-- Counted once at the finest grain, then summed per dimension.
finest as (
    select
        period,
        customer_id,
        contract_id,
        priority,
        count(*) as tickets,
        sum(is_fcr_ticket) as fcr_tickets,
        sum(is_one_touch) as one_touch,
        sum(is_solved) as solved,
        sum(is_reopened) as reopened
    from flags
    group by period, customer_id, contract_id, priority
),

keyed as (
    select period, 'all' as dimension, 'all' as key,
        tickets, fcr_tickets, one_touch, solved, reopened
    from finest
    union all
    select period, 'customer' as dimension, customer_id as key,
        tickets, fcr_tickets, one_touch, solved, reopened
    from finest
    union all
    select period, 'contract' as dimension, contract_id as key,
        tickets, fcr_tickets, one_touch, solved, reopened
    from finest
    where contract_id is not null
    union all
    select period, 'priority' as dimension, priority as key,
        tickets, fcr_tickets, one_touch, solved, reopened
    from finest
),

pooled as (
    select
        period,
        dimension,
        key,
        sum(tickets) as tickets,
        sum(fcr_tickets) as fcr_tickets,
        sum(one_touch) as one_touch,
        sum(solved) as solved,
        sum(reopened) as reopened
    from keyed
    group by period, dimension, key
),

final as (
    select
        *,
        100.0 * one_touch / nullif(fcr_tickets, 0) as fcr_pct,
        100.0 * reopened / nullif(solved, 0) as reopen_pct
    from pooled
)

select * from final
order by period, dimension, key
