-- recurring_problems: underlying problems that keep coming back, for the team, each customer
-- and each contract.
--
-- Definition: tickets filed with the same `problem_id` are instances of one problem. For each
-- reported quarter, the window is that quarter and the three before it (by the quarter each
-- ticket was created in); a problem recurs when two or more of the key's tickets of the window
-- carry it. Per problem: its tickets, the distinct quarters they fall in, the first and last
-- creation, how many were still open at as_of (not solved or closed), how many were solved by a
-- workaround and how many by a permanent fix (`resolution_type`), its most common category
-- (ties alphabetical; empty when none of its tickets has one), the subject of its latest ticket
-- and every ticket id in the order created. Tickets outside any contract count for the team and
-- their customer, not under a contract.
with facts as (
    select ticket_id, customer_id, contract_id, period, created_at, status_at_as_of
    from ticket_facts
),

problem_text as (
    select ticket_id, problem_id, category, resolution_type, subject
    from tickets
    where coalesce(problem_id, '') <> ''
),

-- A quarter as a number (year x 4 + quarter), so "the four quarters ending with it" is a range.
problem_tickets as (
    select
        f.ticket_id,
        f.customer_id,
        f.contract_id,
        f.period as ticket_period,
        cast(substr(f.period, 1, 4) as integer) * 4 + cast(substr(f.period, 6, 1) as integer)
            as quarter_no,
        f.created_at,
        f.status_at_as_of not in ('solved', 'closed') as is_open,
        t.problem_id,
        t.category,
        t.resolution_type,
        t.subject
    from facts f
    join problem_text t on f.ticket_id = t.ticket_id
),

windows as (
    select
        period,
        cast(substr(period, 1, 4) as integer) * 4 + cast(substr(period, 6, 1) as integer)
            as quarter_no
    from periods
),

in_window as (
    select w.period, t.*
    from windows w
    cross join problem_tickets t
    where t.quarter_no <= w.quarter_no and t.quarter_no >= w.quarter_no - 3
),

keyed as (
    select 'all' as dimension, 'all' as key, * from in_window
    union all
    select 'customer' as dimension, customer_id as key, * from in_window
    union all
    select 'contract' as dimension, contract_id as key, * from in_window
    where coalesce(contract_id, '') <> ''
),

problems as (
    select
        period,
        dimension,
        key,
        problem_id,
        count(*) as tickets,
        count(distinct ticket_period) as quarters,
        min(created_at) as first_created_at,
        max(created_at) as last_created_at,
        sum(case when is_open then 1 else 0 end) as open_tickets,
        sum(case when resolution_type = 'workaround' then 1 else 0 end) as workaround_tickets,
        sum(case when resolution_type = 'permanent_fix' then 1 else 0 end)
            as permanent_fix_tickets,
        array_to_string(array_agg(ticket_id order by created_at, ticket_id), ', ') as ticket_ids
    from keyed
    group by period, dimension, key, problem_id
    having count(*) >= 2
),

category_counts as (
    select period, dimension, key, problem_id, category, count(*) as tickets
    from keyed
    where coalesce(category, '') <> ''
    group by period, dimension, key, problem_id, category
),

ranked_categories as (
    select
        period,
        dimension,
        key,
        problem_id,
        category,
        row_number() over (
            -- Most tickets first (negated: OVER takes one direction for all its keys).
            partition by period, dimension, key, problem_id order by 0 - tickets, category
        ) as category_rank
    from category_counts
),

ranked_subjects as (
    select
        period,
        dimension,
        key,
        problem_id,
        subject,
        row_number() over (
            partition by period, dimension, key, problem_id
            order by created_at desc, ticket_id desc
        ) as subject_rank
    from keyed
),

top_categories as (
    select period, dimension, key, problem_id, category
    from ranked_categories
    where category_rank = 1
),

latest_subjects as (
    select period, dimension, key, problem_id, subject
    from ranked_subjects
    where subject_rank = 1
),

final as (
    select
        p.period,
        p.dimension,
        p.key,
        p.problem_id,
        p.tickets,
        p.quarters,
        p.first_created_at,
        p.last_created_at,
        p.open_tickets,
        p.workaround_tickets,
        p.permanent_fix_tickets,
        c.category,
        s.subject as example_subject,
        p.ticket_ids
    from problems p
    left join top_categories c
        on p.period = c.period
        and p.dimension = c.dimension
        and p.key = c.key
        and p.problem_id = c.problem_id
    join latest_subjects s
        on p.period = s.period
        and p.dimension = s.dimension
        and p.key = s.key
        and p.problem_id = s.problem_id
)

select * from final
order by period, dimension, key, tickets desc, problem_id
