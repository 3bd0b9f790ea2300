-- backlog_trend: the team's backlog at the end of each day, with the day's inflow, outflow and
-- reopens (the team review's backlog chart).
--
-- Definition: for every day of the period in the reporting time zone, at its end (24:00), the
-- backlog is the tickets created before then and not solved or closed at that instant, split
-- into active (new, open) and paused (pending, on_hold). Inflow = tickets created that day,
-- outflow = solves that day, reopens = reopens that day; so backlog(d) = backlog(d-1) + inflow
-- - outflow + reopens. The sums over `backlog_daily`, which splits the same figures by
-- priority, customer and engineer.
with final as (
    select
        period,
        date,
        sum(backlog) as backlog,
        sum(active) as active,
        sum(paused) as paused,
        sum(inflow) as inflow,
        sum(outflow) as outflow,
        sum(reopens) as reopens
    from backlog_daily
    group by period, date
)

select * from final
order by date
