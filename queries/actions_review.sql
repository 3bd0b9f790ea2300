-- actions_review: what each side committed to at the reviews, and where it stands.
--
-- Definition: every action (actions.csv) raised at the report period's review or before, with
-- the contract's customer. Done = a `done_on` on or before as_of's day (a later one is not done
-- yet); overdue = not done and due before as_of's day; open otherwise (no due date, or due
-- today or later). Days overdue = as_of's day - the due day, for overdue actions. Review =
-- `current` for actions raised at this period's review, `previous` for the review before it,
-- `earlier` for older ones. The owner's side is the first word of `owner` (vendor or customer).
-- Actions raised at a later review are left out; a `done_on` after as_of's day is shown empty.
-- Dates are days in the reporting zone.
with action_rows as (
    select action_id, contract_id, raised_in, owner, action, due_on, done_on
    from actions
),

contract_customers as (
    select contract_id, customer_id
    from contracts
),

report as (
    select r.report_period, r.as_of_date, p.previous_period
    from run_info r
    join periods p on r.report_period = p.period
),

judged as (
    select
        r.report_period as period,
        a.contract_id,
        c.customer_id,
        a.action_id,
        a.raised_in,
        case when lower(a.owner) like 'vendor%' then 'vendor' else 'customer' end as owner_side,
        a.owner,
        a.action,
        a.due_on,
        -- Done after as_of's day has not happened yet at as_of.
        case when a.done_on <= r.as_of_date then a.done_on end as done_on,
        case
            when a.done_on is not null and a.done_on <= r.as_of_date then 'done'
            when a.due_on is not null and a.due_on < r.as_of_date then 'overdue'
            else 'open'
        end as status,
        case
            when a.raised_in = r.report_period then 'current'
            when a.raised_in = r.previous_period then 'previous'
            else 'earlier'
        end as review,
        r.as_of_date
    from action_rows a
    cross join report r
    join contract_customers c on a.contract_id = c.contract_id
    where a.raised_in <= r.report_period
),

final as (
    select
        period,
        contract_id,
        customer_id,
        action_id,
        raised_in,
        owner_side,
        owner,
        action,
        due_on,
        done_on,
        status,
        review,
        case
            when status = 'overdue' then cast(as_of_date as bigint) - cast(due_on as bigint)
        end as days_overdue
    from judged
)

select * from final
order by contract_id, raised_in, action_id
