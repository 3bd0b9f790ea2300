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

-- quantile_disc is polars' nearest rank: the value at rank ceil(p x n), at least 1 (its
-- "equiprobable" method), found without sorting each key's times.
final as (
    select
        period,
        dimension,
        key,
        priority,
        metric,
        count(*) as tickets,
        cast(quantile_disc(elapsed_seconds, 0.5) as bigint) as median_seconds,
        cast(quantile_disc(elapsed_seconds, 0.9) as bigint) as p90_seconds
    from keyed
    group by period, dimension, key, priority, metric
)

select * from final
order by period, dimension, key, priority, metric
