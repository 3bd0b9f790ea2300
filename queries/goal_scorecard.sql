-- goal_scorecard: every team goal of goals.toml with the period's figure, met or missed, and
-- the change from the previous period.
--
-- Definition: CSAT goals use the period's counted surveys (`csat`): satisfied-or-better % and
-- very-satisfied % must reach their goals; `too_few` is set below 10 responses. SLA goals use
-- tickets created in the period (`ticket_sla`): first response met % = met / (met + breached)
-- of first_response, update met % the same for update (a ticket meets update only if every
-- update window met its target). Engineer goals are team figures over every engineer listed in
-- `engineer_load`: average backlog = all their end-of-day backlogs / all their active days;
-- solved per working day = all their solves / all their working days; KB articles per week =
-- all their articles / (all their active days / 7); each row's `detail` says how many engineers
-- miss the goal on their own. System-down: the longest time to first solve (hours, running ones
-- to as_of) of the period's system-down tickets must not exceed system_down_max_hours. FCR has
-- no goal; it is shown for information with the reopen window it used. `change` = figure -
-- the previous period's figure.
--
-- A goal whose input is absent reads `no_data` with an empty figure, never missed or met: no
-- survey in the period (CSAT), no first-response or update commitment met or breached (SLA),
-- no engineer with active days (engineer goals), no system-down ticket created in the period,
-- or no knowledge-base article in the exports at all (a period without articles when the
-- exports have some is a real 0). `unit` says what figure, goal and change are in (`pct`,
-- `hours`, `tickets`, `per_day`, `per_week`), `better` which way is better (`higher`,
-- `lower`; FCR: higher), and `change_direction` whether the change is `better`, `worse` or the
-- `same` (empty without a previous figure).
with sla_counts as (
    select
        s.period,
        sum(case when metric = 'first_response' and state = 'met' then 1 else 0 end) as fr_met,
        sum(case when metric = 'first_response' and state = 'breached' then 1 else 0 end)
            as fr_breached,
        sum(case when metric = 'update' and state = 'met' then 1 else 0 end) as up_met,
        sum(case when metric = 'update' and state = 'breached' then 1 else 0 end) as up_breached,
        sum(case when metric = 'system_down' then 1 else 0 end) as sd_tickets,
        sum(case when metric = 'system_down' and state = 'breached' then 1 else 0 end)
            as sd_over,
        max(case when metric = 'system_down' then elapsed_seconds end) / 3600.0 as sd_max_hours
    from ticket_sla s
    join periods p on s.period = p.period
    group by s.period
),

survey_counts as (
    select
        c.period,
        count(*) as responses,
        sum(case when satisfied then 1 else 0 end) as satisfied,
        sum(case when very_satisfied then 1 else 0 end) as very_satisfied
    from csat c
    join periods p on c.period = p.period
    group by c.period
),

team as (
    select
        period,
        count(*) as engineers,
        sum(solved) as solved,
        sum(working_days) as working_days,
        sum(backlog_days) as backlog_days,
        sum(active_days) as active_days,
        sum(kb_articles) as kb_articles,
        sum(case when not solved_goal_met then 1 else 0 end) as solved_missing,
        sum(case when not backlog_goal_met then 1 else 0 end) as backlog_missing,
        sum(case when not kb_goal_met then 1 else 0 end) as kb_missing
    from engineer_load
    group by period
),

-- The exports' articles, any period: none at all means the KB goal has no input.
kb_input as (
    select count(*) as articles
    from kb_articles
),

first_contact as (
    select
        period,
        sum(one_touch) as one_touch,
        sum(fcr_tickets) as fcr_tickets
    from fcr
    group by period
),

figures as (
    select
        p.period as period,
        1 as goal_order,
        'csat.satisfied_or_better_pct' as goal,
        'Surveys satisfied or better (%)' as description,
        'at least' as direction,
        100.0 * s.satisfied / nullif(s.responses, 0) as figure,
        coalesce(s.responses, 0) as basis,
        coalesce(s.responses, 0) < 10 as too_few,
        cast(coalesce(s.satisfied, 0) as varchar) || ' of '
            || cast(coalesce(s.responses, 0) as varchar) || ' surveys rated 4 or 5' as detail
    from periods p
    left join survey_counts s on p.period = s.period
    union all
    select
        p.period as period,
        2 as goal_order,
        'csat.very_satisfied_pct' as goal,
        'Surveys very satisfied (%)' as description,
        'at least' as direction,
        100.0 * s.very_satisfied / nullif(s.responses, 0) as figure,
        coalesce(s.responses, 0) as basis,
        coalesce(s.responses, 0) < 10 as too_few,
        cast(coalesce(s.very_satisfied, 0) as varchar) || ' of '
            || cast(coalesce(s.responses, 0) as varchar) || ' surveys rated 5' as detail
    from periods p
    left join survey_counts s on p.period = s.period
    union all
    select
        p.period as period,
        3 as goal_order,
        'sla.first_response_met_pct' as goal,
        'First response within target (%)' as description,
        'at least' as direction,
        100.0 * s.fr_met / nullif(s.fr_met + s.fr_breached, 0) as figure,
        coalesce(s.fr_met + s.fr_breached, 0) as basis,
        false as too_few,
        cast(coalesce(s.fr_met, 0) as varchar) || ' met, '
            || cast(coalesce(s.fr_breached, 0) as varchar) || ' breached' as detail
    from periods p
    left join sla_counts s on p.period = s.period
    union all
    select
        p.period as period,
        4 as goal_order,
        'sla.update_met_pct' as goal,
        'Updates on time (% of tickets)' as description,
        'at least' as direction,
        100.0 * s.up_met / nullif(s.up_met + s.up_breached, 0) as figure,
        coalesce(s.up_met + s.up_breached, 0) as basis,
        false as too_few,
        cast(coalesce(s.up_met, 0) as varchar) || ' met, '
            || cast(coalesce(s.up_breached, 0) as varchar) || ' breached' as detail
    from periods p
    left join sla_counts s on p.period = s.period
    union all
    select
        p.period as period,
        5 as goal_order,
        'engineer.max_avg_backlog' as goal,
        'Open tickets per engineer (average)' as description,
        'at most' as direction,
        cast(t.backlog_days as double) / nullif(t.active_days, 0) as figure,
        coalesce(t.engineers, 0) as basis,
        false as too_few,
        cast(coalesce(t.backlog_missing, 0) as varchar) || ' of '
            || cast(coalesce(t.engineers, 0) as varchar) || ' engineers over the goal' as detail
    from periods p
    left join team t on p.period = t.period
    union all
    select
        p.period as period,
        6 as goal_order,
        'engineer.min_solved_per_working_day' as goal,
        'Tickets solved per engineer per working day' as description,
        'at least' as direction,
        cast(t.solved as double) / nullif(t.working_days, 0) as figure,
        coalesce(t.engineers, 0) as basis,
        false as too_few,
        cast(coalesce(t.solved_missing, 0) as varchar) || ' of '
            || cast(coalesce(t.engineers, 0) as varchar) || ' engineers under the goal' as detail
    from periods p
    left join team t on p.period = t.period
    union all
    select
        p.period as period,
        7 as goal_order,
        'engineer.system_down_max_hours' as goal,
        'Longest system-down ticket open (hours)' as description,
        'at most' as direction,
        s.sd_max_hours as figure,
        coalesce(s.sd_tickets, 0) as basis,
        false as too_few,
        cast(coalesce(s.sd_over, 0) as varchar) || ' of '
            || cast(coalesce(s.sd_tickets, 0) as varchar) || ' system-down tickets over the goal' as detail
    from periods p
    left join sla_counts s on p.period = s.period
    union all
    select
        p.period as period,
        8 as goal_order,
        'engineer.min_kb_articles_per_week' as goal,
        'Knowledge-base articles per engineer per week' as description,
        'at least' as direction,
        case
            when k.articles > 0 then t.kb_articles * 7.0 / nullif(t.active_days, 0)
        end as figure,
        coalesce(t.engineers, 0) as basis,
        false as too_few,
        case
            when k.articles = 0 then 'no knowledge-base articles in the exports'
            else cast(coalesce(t.kb_missing, 0) as varchar) || ' of '
                || cast(coalesce(t.engineers, 0) as varchar) || ' engineers under the goal'
        end as detail
    from periods p
    cross join kb_input k
    left join team t on p.period = t.period
    union all
    select
        p.period as period,
        9 as goal_order,
        'fcr.reopen_window_days' as goal,
        'First-contact resolution (%), for information' as description,
        'none' as direction,
        100.0 * f.one_touch / nullif(f.fcr_tickets, 0) as figure,
        coalesce(f.fcr_tickets, 0) as basis,
        false as too_few,
        cast(coalesce(f.one_touch, 0) as varchar) || ' of '
            || cast(coalesce(f.fcr_tickets, 0) as varchar) || ' done tickets with a reply were one-touch' as detail
    from periods p
    left join first_contact f on p.period = f.period
),

judged as (
    select
        f.*,
        case when f.direction = 'none' then null else g.value end as goal_value,
        case
            when f.goal like '%_pct' or f.goal like 'fcr.%' then 'pct'
            when f.goal like '%_hours' then 'hours'
            when f.goal = 'engineer.max_avg_backlog' then 'tickets'
            when f.goal like '%_per_working_day' then 'per_day'
            when f.goal like '%_per_week' then 'per_week'
        end as unit,
        case when f.direction = 'at most' then 'lower' else 'higher' end as better,
        case
            when f.direction = 'none' then 'info'
            when f.figure is null then 'no_data'
            when f.direction = 'at least' and f.figure >= g.value then 'met'
            when f.direction = 'at most' and f.figure <= g.value then 'met'
            else 'missed'
        end as status
    from figures f
    join goals g on f.goal = g.goal
),

final as (
    select
        j.period,
        j.goal_order,
        j.goal,
        j.description,
        j.figure,
        j.goal_value,
        j.direction,
        j.status,
        j.basis,
        j.too_few,
        j.detail,
        prev.figure as previous_figure,
        j.figure - prev.figure as change,
        j.unit,
        j.better,
        case
            when j.figure is null or prev.figure is null then null
            when j.figure = prev.figure then 'same'
            when (j.figure > prev.figure) = (j.better = 'higher') then 'better'
            else 'worse'
        end as change_direction
    from judged j
    join periods p on j.period = p.period
    left join judged prev on prev.period = p.previous_period and prev.goal = j.goal
)

select * from final
order by period, goal_order
