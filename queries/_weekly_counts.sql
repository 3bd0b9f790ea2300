-- _weekly_counts (intermediate: held for `weekly_flow`, not written): tickets created and
-- solved per period, customer, contract and week (`week_n`: the day number of its Monday, days
-- counted from 1970-01-01), the period's own days only (up to as_of's day). created: tickets
-- created that week (created_at's local date); solved: `ticket_moments` solves that week (every
-- solve counts). Computed once here, since `weekly_flow` reads it for three dimensions.
with created_days as (
    select
        p.period,
        b.customer_id,
        b.contract_id,
        cast(b.created_at_date as integer) as day_n
    from _ticket_base b
    join periods p on b.created_at_period = p.period
    where b.created_at_date <= p.last_day and not b.created_at_after_as_of
),

solved_days as (
    select
        p.period,
        m.customer_id,
        f.contract_id,
        cast(m.date as integer) as day_n
    from ticket_moments m
    join ticket_facts f on m.ticket_id = f.ticket_id
    join periods p on m.period = p.period
    where m.kind = 'solve' and m.date <= p.last_day
),

flow as (
    select period, customer_id, contract_id, day_n - (day_n + 3) % 7 as week_n,
        1 as created, 0 as solved
    from created_days
    union all
    select period, customer_id, contract_id, day_n - (day_n + 3) % 7 as week_n,
        0 as created, 1 as solved
    from solved_days
),

final as (
    select period, customer_id, contract_id, week_n, sum(created) as created,
        sum(solved) as solved
    from flow
    group by period, customer_id, contract_id, week_n
)

select * from final
