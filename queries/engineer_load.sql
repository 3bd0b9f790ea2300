-- engineer_load: each engineer's work in each period.
--
-- Definition: solved = solves in the period (a ticket solved twice counts twice), each credited
-- to the engineer assigned at that solve. Working days = days of the period (up to as_of) that
-- are working days in the engineer's calendar and fall within active_from..active_to; solved per
-- working day = solved / working days (goal: at least min_solved_per_working_day). Average
-- backlog = the engineer's end-of-day backlog summed over the period's days within
-- active_from..active_to, divided by those days (goal: at most max_avg_backlog). System-down
-- over goal = system-down tickets of the period still unsolved system_down_max_hours after
-- creation, credited to the engineer assigned at that instant. KB articles per week = articles
-- published on those days / (days / 7) (goal: at least min_kb_articles_per_week). CSAT as in
-- `csat_summary`, per engineer. Every engineer of engineers.csv is listed, and anyone else
-- credited with anything in the period (`in_roster` false).
with days as (
    select d.*
    from engineer_days d
    join periods p on d.period = p.period
),

roster as (
    select engineer_id, active_from, active_to from engineers
),

solved as (
    select engineer_id, period, count(*) as solved
    from ticket_moments
    where kind = 'solve' and engineer_id is not null
    group by engineer_id, period
),

backlog as (
    select b.engineer_id, b.period, sum(b.backlog) as backlog_days
    from backlog_daily b
    left join roster r on b.engineer_id = r.engineer_id
    where b.engineer_id is not null
        and (r.active_from is null or b.date >= r.active_from)
        and (r.active_to is null or b.date <= r.active_to)
    group by b.engineer_id, b.period
),

system_down as (
    select m.engineer_id, s.period, count(*) as system_down_over_goal
    from ticket_moments m
    join ticket_sla s on s.ticket_id = m.ticket_id
    where m.kind = 'system_down_over_goal'
        and s.metric = 'system_down'
        and m.engineer_id is not null
    group by m.engineer_id, s.period
),

kb as (
    select k.author_id as engineer_id, k.published_at_period as period, count(*) as kb_articles
    from kb_articles k
    left join roster r on k.author_id = r.engineer_id
    where k.author_id is not null
        and not k.published_at_after_as_of
        and (r.active_from is null or k.published_at_date >= r.active_from)
        and (r.active_to is null or k.published_at_date <= r.active_to)
    group by k.author_id, k.published_at_period
),

csat_counts as (
    select
        engineer_id,
        period,
        count(*) as csat_responses,
        sum(case when satisfied then 1 else 0 end) as csat_satisfied,
        sum(case when very_satisfied then 1 else 0 end) as csat_very_satisfied
    from csat
    where engineer_id is not null
    group by engineer_id, period
),

goals_wide as (
    select
        max(case when goal = 'engineer.max_avg_backlog' then value end) as backlog_goal,
        max(case when goal = 'engineer.min_solved_per_working_day' then value end) as solved_goal,
        max(case when goal = 'engineer.min_kb_articles_per_week' then value end) as kb_goal
    from goals
),

joined as (
    select
        d.period,
        d.engineer_id,
        d.in_roster,
        d.calendar_id,
        d.working_days,
        d.active_days,
        coalesce(s.solved, 0) as solved,
        coalesce(b.backlog_days, 0) as backlog_days,
        coalesce(sd.system_down_over_goal, 0) as system_down_over_goal,
        coalesce(k.kb_articles, 0) as kb_articles,
        coalesce(c.csat_responses, 0) as csat_responses,
        coalesce(c.csat_satisfied, 0) as csat_satisfied,
        coalesce(c.csat_very_satisfied, 0) as csat_very_satisfied
    from days d
    left join solved s on d.engineer_id = s.engineer_id and d.period = s.period
    left join backlog b on d.engineer_id = b.engineer_id and d.period = b.period
    left join system_down sd on d.engineer_id = sd.engineer_id and d.period = sd.period
    left join kb k on d.engineer_id = k.engineer_id and d.period = k.period
    left join csat_counts c on d.engineer_id = c.engineer_id and d.period = c.period
),

final as (
    select
        j.period,
        j.engineer_id,
        j.in_roster,
        j.calendar_id,
        j.working_days,
        j.active_days,
        j.solved,
        cast(j.solved as double) / nullif(j.working_days, 0) as solved_per_working_day,
        cast(j.solved as double) / nullif(j.working_days, 0) >= g.solved_goal as solved_goal_met,
        j.backlog_days,
        cast(j.backlog_days as double) / nullif(j.active_days, 0) as avg_backlog,
        cast(j.backlog_days as double) / nullif(j.active_days, 0) <= g.backlog_goal
            as backlog_goal_met,
        j.system_down_over_goal,
        j.kb_articles,
        j.kb_articles * 7.0 / nullif(j.active_days, 0) as kb_per_week,
        j.kb_articles * 7.0 / nullif(j.active_days, 0) >= g.kb_goal as kb_goal_met,
        j.csat_responses,
        100.0 * j.csat_satisfied / nullif(j.csat_responses, 0) as csat_satisfied_pct,
        100.0 * j.csat_very_satisfied / nullif(j.csat_responses, 0) as csat_very_satisfied_pct,
        j.csat_responses < 10 as csat_too_few
    from joined j
    cross join goals_wide g
    where j.in_roster
        or j.solved > 0
        or j.backlog_days > 0
        or j.system_down_over_goal > 0
        or j.kb_articles > 0
        or j.csat_responses > 0
)

select * from final
order by period, engineer_id
