-- weekly_flow: tickets created and solved per week, for the team, each customer and each
-- contract.
--
-- Definition: weeks run Monday to Sunday in the reporting zone; every week overlapping the
-- period is listed (`week_start` its Monday, which may fall in the quarter before), with zero
-- rows included, but only the period's own days count (up to as_of's day). created = tickets
-- created that week (created_at's local date); solved = solves that week (`ticket_moments` kind
-- `solve`: every solve, a reopened ticket solved again counts again). Keys: every customer and
-- contract active in the period, and every key with a ticket created or solved in it. Tickets
-- outside any contract count for the team and their customer only.
with period_days as (
    select
        period,
        cast(first_day as integer) as first_n,
        cast(last_day as integer) as last_n
    from periods
),

-- Day numbers count from 1970-01-01, a Thursday: (n + 3) % 7 is the days since Monday.
week_offsets as (
    select week_index
    from unnest(array[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]) as w (week_index)
),

weeks as (
    select d.period, d.first_n - (d.first_n + 3) % 7 + 7 * o.week_index as week_n
    from period_days d
    cross join week_offsets o
    where d.first_n - (d.first_n + 3) % 7 + 7 * o.week_index <= d.last_n
),

keyed_flow as (
    select period, 'all' as dimension, 'all' as key, week_n, created, solved
    from _weekly_counts
    union all
    select period, 'customer' as dimension, customer_id as key, week_n, created, solved
    from _weekly_counts
    union all
    select period, 'contract' as dimension, contract_id as key, week_n, created, solved
    from _weekly_counts
    where contract_id is not null
),

counted as (
    select period, dimension, key, week_n, sum(created) as created, sum(solved) as solved
    from keyed_flow
    group by period, dimension, key, week_n
),

keys as (
    select distinct period, dimension, key
    from (
        select period, 'all' as dimension, 'all' as key from periods
        union all
        select period, 'customer' as dimension, customer_id as key from contract_periods
        union all
        select period, 'contract' as dimension, contract_id as key from contract_periods
        union all
        select period, dimension, key from counted
    ) k
),

final as (
    select
        k.period,
        k.dimension,
        k.key,
        cast(w.week_n as date) as week_start,
        coalesce(c.created, 0) as created,
        coalesce(c.solved, 0) as solved
    from keys k
    join weeks w on k.period = w.period
    left join counted c
        on k.period = c.period and k.dimension = c.dimension and k.key = c.key
        and w.week_n = c.week_n
)

select * from final
order by period, dimension, key, week_start
