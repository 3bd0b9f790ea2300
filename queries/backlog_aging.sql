-- backlog_aging: open tickets at the end of each period by age, priority, customer and engineer.
--
-- Definition: a ticket is open at the end of the period when it was created before the end of
-- the period's last day (or as_of, if the period is not over) and was not solved or closed at
-- that instant (active or paused). Its age is the whole days from created_at to that instant
-- (or as_of): 0-2, 3-7, 8-30, 31-90 or over 90 days. Priority and engineer are those in force
-- then; an empty engineer is unassigned. Ticket by ticket: `open_at_period_end`.
with buckets as (
    select
        period,
        priority,
        customer_id,
        engineer_id,
        case
            when age_days <= 2 then '0-2'
            when age_days <= 7 then '3-7'
            when age_days <= 30 then '8-30'
            when age_days <= 90 then '31-90'
            else 'over 90'
        end as age_bucket,
        case
            when age_days <= 2 then 1
            when age_days <= 7 then 2
            when age_days <= 30 then 3
            when age_days <= 90 then 4
            else 5
        end as bucket_order,
        status
    from open_at_period_end
),

final as (
    select
        period,
        age_bucket,
        bucket_order,
        priority,
        customer_id,
        engineer_id,
        count(*) as tickets,
        sum(case when status in ('pending', 'on_hold') then 1 else 0 end) as paused
    from buckets
    group by period, age_bucket, bucket_order, priority, customer_id, engineer_id
)

select * from final
order by period, bucket_order, priority, customer_id, engineer_id
