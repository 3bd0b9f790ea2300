-- maintenance_review: the preventive work promised by maintenance contracts, record by record.
--
-- Definition: each maintenance record (maintenance.csv) with the contract's customer. Done means
-- done at or before as_of (a later `done_at` is not done yet). A record belongs to the quarter
-- it was done in; when not done, to the quarter it is planned in; else to the quarter its patch
-- was released in (all in the reporting zone). Records of the quarter after the report period
-- are listed under that quarter: the work planned for next quarter. A security patch is due
-- `patch_days` calendar days after its release: kept when applied by then, late when applied
-- after, open while not applied and not yet due at as_of, missed when not applied and overdue;
-- without a release time or a `patch_days` on the contract it has no deadline. Inspections,
-- upgrades and optimizations are done, planned (not done, planned for as_of's day or later),
-- overdue (not done, planned before as_of's day) or not planned. A `done_at` after as_of is
-- shown empty. A record with no date at all belongs to no quarter and is not listed.
with records as (
    select
        maintenance_id,
        contract_id,
        kind,
        planned_on,
        released_at,
        released_at_period,
        -- Work done after as_of has not happened yet at as_of.
        case when done_at_after_as_of then null else done_at end as done_at,
        done_at_period,
        done_at is not null and not done_at_after_as_of as is_done,
        summary
    from maintenance
),

contract_terms as (
    select contract_id, customer_id, patch_days
    from contracts
),

as_of_day as (
    select as_of, as_of_date, report_period
    from run_info
),

-- The quarter after the report period, from its label (`2026Q4` -> `2027Q1`).
next_quarter as (
    select
        case
            when substr(report_period, 6, 1) = '4'
                then cast(cast(substr(report_period, 1, 4) as integer) + 1 as varchar) || 'Q1'
            else substr(report_period, 1, 5)
                || cast(cast(substr(report_period, 6, 1) as integer) + 1 as varchar)
        end as period
    from run_info
),

listed_periods as (
    select period from periods
    union all
    select period from next_quarter
),

placed as (
    select
        r.*,
        c.customer_id,
        case
            when r.is_done then r.done_at_period
            when r.planned_on is not null
                then cast(extract(year from r.planned_on) as varchar) || 'Q'
                    || cast(extract(quarter from r.planned_on) as varchar)
            else r.released_at_period
        end as period,
        case
            when r.kind = 'security_patch' and r.released_at is not null
                then r.released_at + c.patch_days * interval '1 day'
        end as due_at
    from records r
    join contract_terms c on r.contract_id = c.contract_id
),

judged as (
    select
        p.*,
        case
            when p.kind = 'security_patch' then
                case
                    when p.due_at is null then 'no_deadline'
                    when p.is_done and p.done_at <= p.due_at then 'kept'
                    when p.is_done then 'late'
                    when p.due_at >= a.as_of then 'open'
                    else 'missed'
                end
            when p.is_done then 'done'
            when p.planned_on is null then 'not_planned'
            when p.planned_on >= a.as_of_date then 'planned'
            else 'overdue'
        end as state
    from placed p
    cross join as_of_day a
),

final as (
    select
        j.period,
        j.contract_id,
        j.customer_id,
        j.maintenance_id,
        j.kind,
        j.planned_on,
        j.released_at,
        j.done_at,
        j.due_at,
        j.state,
        j.summary
    from judged j
    join listed_periods l on j.period = l.period
)

select * from final
order by
    period,
    contract_id,
    kind,
    coalesce(
        cast(done_at as bigint), cast(planned_on as bigint) * 86400000, cast(released_at as bigint)
    ),
    maintenance_id
