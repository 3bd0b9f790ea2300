-- maintenance_summary: preventive maintenance promised and delivered, per contract and quarter.
--
-- Definition: per contract active in the quarter that has maintenance records or promises
-- inspections or a patch deadline. Inspections: those done in the quarter against the
-- contract's inspections per quarter (kept when done >= promised, missed when fewer; no data
-- when nothing is promised and none was done; inspections done without a promise count as
-- kept). Patches: the security patches of the quarter (maintenance_review) by state: kept
-- (applied within `patch_days` of release), late, missed (overdue and not applied) and open (not
-- yet due); patches without a deadline count in `patches` only. Upgrades and optimizations done
-- in the quarter. Planned next = the contract's records of the following quarter, whatever
-- their state. The promise is per quarter, whole even when the contract covers only part of it.
with record_states as (
    select period, contract_id, kind, state
    from maintenance_review
),

contract_terms as (
    select contract_id, inspections_per_quarter, patch_days
    from contracts
),

with_records as (
    select contract_id, count(*) as records
    from maintenance
    group by contract_id
),

active as (
    select
        cp.period,
        cp.contract_id,
        cp.customer_id,
        t.inspections_per_quarter,
        cast(substr(cp.period, 6, 1) as integer) as quarter,
        cast(substr(cp.period, 1, 4) as integer) as year
    from contract_periods cp
    join contract_terms t on cp.contract_id = t.contract_id
    left join with_records r on cp.contract_id = r.contract_id
    where r.records is not null
        or t.inspections_per_quarter is not null
        or t.patch_days is not null
),

-- Each quarter with the label of the one after it (`2026Q4` -> `2027Q1`).
quarters as (
    select
        period,
        contract_id,
        customer_id,
        inspections_per_quarter,
        case
            when quarter = 4 then cast(year + 1 as varchar) || 'Q1'
            else cast(year as varchar) || 'Q' || cast(quarter + 1 as varchar)
        end as next_period
    from active
),

counts as (
    select
        period,
        contract_id,
        sum(case when kind = 'inspection' and state = 'done' then 1 else 0 end)
            as inspections_done,
        sum(case when kind = 'security_patch' then 1 else 0 end) as patches,
        sum(case when kind = 'security_patch' and state = 'kept' then 1 else 0 end)
            as patches_kept,
        sum(case when kind = 'security_patch' and state = 'late' then 1 else 0 end)
            as patches_late,
        sum(case when kind = 'security_patch' and state = 'missed' then 1 else 0 end)
            as patches_missed,
        sum(case when kind = 'security_patch' and state = 'open' then 1 else 0 end)
            as patches_open,
        sum(case when kind = 'upgrade' and state = 'done' then 1 else 0 end) as upgrades_done,
        sum(case when kind = 'optimization' and state = 'done' then 1 else 0 end)
            as optimizations_done
    from record_states
    group by period, contract_id
),

next_counts as (
    select period, contract_id, count(*) as records
    from record_states
    group by period, contract_id
),

final as (
    select
        q.period,
        q.contract_id,
        q.customer_id,
        q.inspections_per_quarter as inspections_promised,
        coalesce(c.inspections_done, 0) as inspections_done,
        case
            when coalesce(q.inspections_per_quarter, 0) = 0
                and coalesce(c.inspections_done, 0) = 0 then 'no_data'
            when coalesce(c.inspections_done, 0) >= coalesce(q.inspections_per_quarter, 0)
                then 'kept'
            else 'missed'
        end as inspections_status,
        coalesce(c.patches, 0) as patches,
        coalesce(c.patches_kept, 0) as patches_kept,
        coalesce(c.patches_late, 0) as patches_late,
        coalesce(c.patches_missed, 0) as patches_missed,
        coalesce(c.patches_open, 0) as patches_open,
        coalesce(c.upgrades_done, 0) as upgrades_done,
        coalesce(c.optimizations_done, 0) as optimizations_done,
        coalesce(n.records, 0) as planned_next
    from quarters q
    left join counts c on q.period = c.period and q.contract_id = c.contract_id
    left join next_counts n on q.next_period = n.period and q.contract_id = n.contract_id
)

select * from final
order by period, contract_id
