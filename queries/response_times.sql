-- response_times: median and 90th-percentile first-response and resolution times, by period,
-- for the team, each customer and each contract, by priority.
--
-- Definition: the ticket_sla rows of the metric (`first_response`, `resolution`) whose clock
-- decided the ticket: state met or breached, with an elapsed time (waived or not). Times are
-- elapsed_seconds on the row's own clock (business or calendar, pauses excluded). Median and
-- 90th percentile by the nearest-rank method: the value at rank ceil(p x n) of the sorted
-- times (at least rank 1). `tickets` is n. Tickets outside any contract count for the team and
-- their customer only.
with decided as (
    select
        s.period,
        s.customer_id,
        s.contract_id,
        s.priority,
        s.metric,
        s.elapsed_seconds
    from ticket_sla s
    join periods p on s.period = p.period
    where s.metric in ('first_response', 'resolution')
        and s.state in ('met', 'breached')
        and s.elapsed_seconds is not null
),

keyed as (
    select period, 'all' as dimension, 'all' as key, priority, metric, elapsed_seconds
    from decided
    union all
    select period, 'customer' as dimension, customer_id as key, priority, metric, elapsed_seconds
    from decided
    union all
    select period, 'contract' as dimension, contract_id as key, priority, metric, elapsed_seconds
    from decided
    where contract_id is not null
),

ranked as (
    select
        *,
        row_number() over (
            partition by period, dimension, key, priority, metric
            order by elapsed_seconds
        ) as time_rank,
        count(*) over (partition by period, dimension, key, priority, metric) as n
    from keyed
),

final as (
    select
        period,
        dimension,
        key,
        priority,
        metric,
        max(n) as tickets,
        max(case when time_rank = ceil(0.5 * n) then elapsed_seconds end) as median_seconds,
        max(case when time_rank = ceil(0.9 * n) then elapsed_seconds end) as p90_seconds
    from ranked
    group by period, dimension, key, priority, metric
)

select * from final
order by period, dimension, key, priority, metric
