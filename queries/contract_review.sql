-- contract_review: each contract's commitments, kept or missed, and what that costs, per
-- contract active in the period and per promised target (priority x metric).
--
-- Definition: a commitment is one of the contract's targets (its plan's rows, with the
-- contract's own rows replacing the plan's row of the same priority and metric). Its compliance
-- is met / (met + breached) over the contract's tickets created in the period (sla_compliance);
-- it is kept when compliance reaches commitment_pct, missed when it does not, and "no_tickets"
-- when no ticket was met or breached (tickets still in progress or not applicable decide
-- nothing). Service credit = min(credit_cap_pct, missed commitments x
-- credit_pct_per_missed_target) % of the period's fee, where the period's fee = annual_fee x
-- the contract's days inside the period / days of that contract year (contract_periods).
-- Entitlement use = tickets created / included_cases_prorated, the quarter's included cases
-- for the contract's days in the period: included_cases_per_quarter x contract_days / the
-- period's days (empty = unlimited), so a contract that starts or ends inside the quarter, or a
-- quarter still running at as_of, is compared with the cases of its own days; cost per case =
-- the period's fee / tickets created. A ticket-metric an approved waiver names (review.md) is
-- counted in `waived` and in neither met nor breached, so it decides neither the commitment
-- nor the credit. The contract-level figures repeat on each of its rows; the previous three
-- periods are the rows of those periods.
with plan_rows as (
    select
        c.contract_id,
        t.priority,
        t.metric,
        t.target_minutes,
        t.clock,
        t.commitment_pct
    from contracts c
    join sla_targets t on c.plan = t.plan
    where t.contract_id is null
),

own_rows as (
    select
        t.contract_id,
        t.priority,
        t.metric,
        t.target_minutes,
        t.clock,
        t.commitment_pct
    from sla_targets t
    join contracts c on t.contract_id = c.contract_id
),

plan_kept as (
    select
        p.contract_id,
        p.priority,
        p.metric,
        p.target_minutes,
        p.clock,
        p.commitment_pct
    from plan_rows p
    left join own_rows o
        on p.contract_id = o.contract_id and p.priority = o.priority and p.metric = o.metric
    where o.contract_id is null
),

commitments as (
    select * from plan_kept
    union all
    select * from own_rows
),

judged as (
    select
        cp.period,
        cp.contract_id,
        cp.customer_id,
        m.priority,
        m.metric,
        m.target_minutes,
        m.clock,
        m.commitment_pct,
        coalesce(s.tickets, 0) as tickets,
        coalesce(s.met, 0) as met,
        coalesce(s.breached, 0) as breached,
        coalesce(s.in_progress, 0) as in_progress,
        coalesce(s.not_applicable, 0) as not_applicable,
        coalesce(s.waived, 0) as waived,
        s.compliance_pct,
        case
            when coalesce(s.met, 0) + coalesce(s.breached, 0) = 0 then 'no_tickets'
            when s.compliance_pct >= m.commitment_pct then 'kept'
            else 'missed'
        end as outcome
    from contract_periods cp
    join commitments m on cp.contract_id = m.contract_id
    left join sla_compliance s
        on s.period = cp.period
        and s.contract_id = cp.contract_id
        and s.priority = m.priority
        and s.metric = m.metric
),

outcomes as (
    select
        period,
        contract_id,
        count(*) as commitments,
        sum(case when outcome = 'kept' then 1 else 0 end) as kept_commitments,
        sum(case when outcome = 'missed' then 1 else 0 end) as missed_commitments,
        sum(case when outcome = 'no_tickets' then 1 else 0 end) as no_ticket_commitments
    from judged
    group by period, contract_id
),

created as (
    select period, contract_id, count(*) as tickets_created
    from ticket_facts
    where contract_id is not null
    group by period, contract_id
),

money as (
    select
        cp.period,
        cp.contract_id,
        c.customer_name,
        c.plan,
        c.start_date,
        c.end_date,
        c.renewal_date,
        c.currency,
        c.annual_fee,
        cp.active_from,
        cp.active_to,
        cp.contract_days,
        cp.fee_days,
        cp.period_fee,
        o.commitments,
        o.kept_commitments,
        o.missed_commitments,
        o.no_ticket_commitments,
        c.credit_pct_per_missed_target,
        c.credit_cap_pct,
        case
            when o.missed_commitments * c.credit_pct_per_missed_target > c.credit_cap_pct
                then c.credit_cap_pct
            else o.missed_commitments * c.credit_pct_per_missed_target
        end as credit_pct,
        coalesce(n.tickets_created, 0) as tickets_created,
        c.included_cases_per_quarter,
        1.0 * c.included_cases_per_quarter * cp.contract_days / p.days
            as included_cases_prorated
    from contract_periods cp
    join periods p on cp.period = p.period
    join contracts c on cp.contract_id = c.contract_id
    join outcomes o on cp.period = o.period and cp.contract_id = o.contract_id
    left join created n on cp.period = n.period and cp.contract_id = n.contract_id
),

final as (
    select
        j.period,
        j.contract_id,
        j.customer_id,
        m.customer_name,
        m.plan,
        j.priority,
        j.metric,
        j.target_minutes,
        j.clock,
        j.commitment_pct,
        j.tickets,
        j.met,
        j.breached,
        j.in_progress,
        j.not_applicable,
        j.waived,
        j.compliance_pct,
        j.outcome,
        m.commitments,
        m.kept_commitments,
        m.missed_commitments,
        m.no_ticket_commitments,
        m.start_date,
        m.end_date,
        m.renewal_date,
        m.active_from,
        m.active_to,
        m.contract_days,
        m.fee_days,
        m.currency,
        m.annual_fee,
        round(m.period_fee, 2) as period_fee,
        m.credit_pct_per_missed_target,
        m.credit_cap_pct,
        m.credit_pct,
        round(m.period_fee * m.credit_pct / 100.0, 2) as credit_amount,
        m.tickets_created,
        m.included_cases_per_quarter,
        m.included_cases_prorated,
        100.0 * m.tickets_created / nullif(m.included_cases_prorated, 0) as entitlement_used_pct,
        round(m.period_fee / nullif(m.tickets_created, 0), 2) as cost_per_case
    from judged j
    join money m on j.period = m.period and j.contract_id = m.contract_id
)

select * from final
order by
    period,
    customer_id,
    contract_id,
    priority,
    case metric when 'first_response' then 1 when 'update' then 2 else 3 end
