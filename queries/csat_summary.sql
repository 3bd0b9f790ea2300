-- csat_summary: satisfaction by period for the whole team, and by customer, engineer and
-- priority.
--
-- Definition: over the counted surveys of the period (the `csat` table: one per ticket, the
-- latest replacing earlier ones), satisfied-or-better % = surveys rated 4 or 5 / all surveys, and
-- very-satisfied % = surveys rated 5 / all surveys. Each comes with a Wilson 95% interval
-- (z = 1.96), because quarterly counts per customer or engineer are small; below 10 responses
-- `too_few` is set and a report says "too few responses" rather than print a percentage alone
-- (the goal comparison is still made). A percentage meets its goal when it reaches it.
-- Response rate = surveys / distinct tickets with a solve in the period (ticket_moments), each
-- ticket attributed like its survey: customer, priority at as_of, engineer at the first solve.
-- `dimension` says what `key` is: `all` (key `all`), `customer`, `engineer` or `priority`; an
-- empty engineer key is a ticket never solved or solved unassigned.
with surveys_in as (
    select c.*
    from csat c
    join periods p on c.period = p.period
),

solved_once as (
    select distinct m.period, m.ticket_id
    from ticket_moments m
    join periods p on m.period = p.period
    where m.kind = 'solve'
),

solved_tickets as (
    select s.period, s.ticket_id, f.customer_id, f.priority,
        f.assignee_at_first_solve as engineer_id
    from solved_once s
    join ticket_facts f on s.ticket_id = f.ticket_id
),

responses as (
    select period, 'all' as dimension, 'all' as key, rating from surveys_in
    union all
    select period, 'customer', customer_id, rating from surveys_in
    union all
    select period, 'engineer', coalesce(engineer_id, ''), rating from surveys_in
    union all
    select period, 'priority', priority, rating from surveys_in
),

-- Counted once at the finest grain, then summed per dimension.
solved_finest as (
    select period, customer_id, engineer_id, priority, count(*) as n
    from solved_tickets
    group by period, customer_id, engineer_id, priority
),

solved as (
    select period, 'all' as dimension, 'all' as key, n from solved_finest
    union all
    select period, 'customer', customer_id, n from solved_finest
    union all
    select period, 'engineer', coalesce(engineer_id, ''), n from solved_finest
    union all
    select period, 'priority', priority, n from solved_finest
),

counted as (
    select
        period,
        dimension,
        key,
        count(*) as responses,
        sum(case when rating >= 4 then 1 else 0 end) as satisfied,
        sum(case when rating = 5 then 1 else 0 end) as very_satisfied
    from responses
    group by period, dimension, key
),

solved_counts as (
    -- solved_tickets holds each ticket once per period, so a count is a distinct count.
    select period, dimension, key, sum(n) as solved_tickets
    from solved
    group by period, dimension, key
),

joined as (
    select
        coalesce(c.period, s.period) as period,
        coalesce(c.dimension, s.dimension) as dimension,
        coalesce(c.key, s.key) as key,
        coalesce(c.responses, 0) as responses,
        coalesce(c.satisfied, 0) as satisfied,
        coalesce(c.very_satisfied, 0) as very_satisfied,
        coalesce(s.solved_tickets, 0) as solved_tickets
    from counted c
    full join solved_counts s
        on c.period = s.period and c.dimension = s.dimension and c.key = s.key
),

rates as (
    select
        *,
        cast(satisfied as double) / nullif(responses, 0) as p_sat,
        cast(very_satisfied as double) / nullif(responses, 0) as p_very,
        cast(responses as double) as n
    from joined
),

goals_wide as (
    select
        max(case when goal = 'csat.satisfied_or_better_pct' then value end) as satisfied_goal,
        max(case when goal = 'csat.very_satisfied_pct' then value end) as very_satisfied_goal
    from goals
),

final as (
    select
        r.period,
        r.dimension,
        r.key,
        r.responses,
        r.satisfied,
        r.very_satisfied,
        100.0 * r.p_sat as satisfied_pct,
        100.0 * (r.p_sat + 1.9208 / r.n
            - 1.96 * sqrt(r.p_sat * (1 - r.p_sat) / r.n + 0.9604 / (r.n * r.n)))
            / (1 + 3.8416 / r.n) as satisfied_low,
        100.0 * (r.p_sat + 1.9208 / r.n
            + 1.96 * sqrt(r.p_sat * (1 - r.p_sat) / r.n + 0.9604 / (r.n * r.n)))
            / (1 + 3.8416 / r.n) as satisfied_high,
        100.0 * r.p_very as very_satisfied_pct,
        100.0 * (r.p_very + 1.9208 / r.n
            - 1.96 * sqrt(r.p_very * (1 - r.p_very) / r.n + 0.9604 / (r.n * r.n)))
            / (1 + 3.8416 / r.n) as very_satisfied_low,
        100.0 * (r.p_very + 1.9208 / r.n
            + 1.96 * sqrt(r.p_very * (1 - r.p_very) / r.n + 0.9604 / (r.n * r.n)))
            / (1 + 3.8416 / r.n) as very_satisfied_high,
        r.responses < 10 as too_few,
        100.0 * r.p_sat >= g.satisfied_goal as satisfied_goal_met,
        100.0 * r.p_very >= g.very_satisfied_goal as very_satisfied_goal_met,
        r.solved_tickets,
        100.0 * r.responses / nullif(r.solved_tickets, 0) as response_rate_pct
    from rates r
    cross join goals_wide g
)

select * from final
order by period, dimension, key
