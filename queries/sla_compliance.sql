-- sla_compliance: how many tickets met each promised target, by period, customer, contract,
-- priority and metric.
--
-- Definition: every ticket created in the period with a target for a metric is met, breached,
-- in progress (its clock still runs at as_of and has not passed the target) or not applicable
-- (for example solved before any reply was needed). Compliance = met / (met + breached); tickets
-- in progress or not applicable are counted and shown, never dropped. A ticket meets `update`
-- only if every update window met its target; `windows` and `breached_windows` count the windows
-- themselves. `system_down` rows compare each system-down ticket's time to its first solve with
-- the team goal (system_down_max_hours). Ticket by ticket: the `ticket_sla` table.
with rows as (
    select s.*
    from ticket_sla s
    join periods p on s.period = p.period
),

counted as (
    select
        period,
        customer_id,
        contract_id,
        priority,
        metric,
        count(*) as tickets,
        sum(case when state = 'met' then 1 else 0 end) as met,
        sum(case when state = 'breached' then 1 else 0 end) as breached,
        sum(case when state = 'in_progress' then 1 else 0 end) as in_progress,
        sum(case when state = 'not_applicable' then 1 else 0 end) as not_applicable,
        sum(windows) as windows,
        sum(breached_windows) as breached_windows
    from rows
    group by period, customer_id, contract_id, priority, metric
),

final as (
    select
        *,
        100.0 * met / nullif(met + breached, 0) as compliance_pct
    from counted
)

select * from final
order by period, customer_id, contract_id, priority, metric
