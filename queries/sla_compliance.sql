-- sla_compliance: how many tickets met each promised target, by period, customer, contract,
-- priority and metric.
--
-- Definition: every ticket created in the period with a target for a metric is met, breached,
-- in progress (its clock still runs at as_of and has not passed the target) or not applicable
-- (for example solved before any reply was needed). Compliance = met / (met + breached); tickets
-- in progress or not applicable are counted and shown, never dropped. A ticket meets `update`
-- only if every update window met its target; `windows` and `breached_windows` count the windows
-- themselves. `system_down` rows compare each system-down ticket's time to its first solve with
-- the team goal (system_down_max_hours). A row an approved waiver names (`ticket_sla.waived`,
-- review.md) counts in `tickets` and `waived` only, never in met, breached, in progress or not
-- applicable, so tickets = met + breached + in_progress + not_applicable + waived and a waiver
-- moves compliance only by leaving its row out. `windows` and `breached_windows` count the
-- update windows of rows that are not waived. Ticket by ticket: the `ticket_sla` table.
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
        sum(case when not waived and state = 'met' then 1 else 0 end) as met,
        sum(case when not waived and state = 'breached' then 1 else 0 end) as breached,
        sum(case when not waived and state = 'in_progress' then 1 else 0 end) as in_progress,
        sum(case when not waived and state = 'not_applicable' then 1 else 0 end)
            as not_applicable,
        sum(case when waived then 1 else 0 end) as waived,
        sum(case when waived then null else windows end) as windows,
        sum(case when waived then null else breached_windows end) as breached_windows
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
