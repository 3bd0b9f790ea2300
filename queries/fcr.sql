-- fcr: first-contact resolution and reopens, by period, customer and priority (at as_of).
--
-- Definition: over tickets created in the period that are done (solved or closed) at as_of and
-- had at least one agent reply, a ticket is one-touch when exactly one agent reply came before
-- its first solve and it was not reopened within reopen_window_days of that solve (calendar
-- time, inclusive). FCR rate = one-touch tickets / those tickets. Reopen rate = tickets created
-- in the period that were reopened by as_of / those that were solved at least once. Ticket by
-- ticket: `ticket_facts` (one_touch, reopens, first_solved_at).
with tickets_in as (
    select f.*
    from ticket_facts f
    join periods p on f.period = p.period
),

counted as (
    select
        period,
        customer_id,
        priority,
        count(*) as tickets,
        sum(case when status_at_as_of in ('solved', 'closed') and agent_replies > 0
            then 1 else 0 end) as fcr_tickets,
        sum(case when status_at_as_of in ('solved', 'closed') and agent_replies > 0
            and one_touch then 1 else 0 end) as one_touch,
        sum(case when first_solved_at is not null then 1 else 0 end) as solved,
        sum(case when first_solved_at is not null and reopens > 0 then 1 else 0 end) as reopened
    from tickets_in
    group by period, customer_id, priority
),

final as (
    select
        *,
        100.0 * one_touch / nullif(fcr_tickets, 0) as fcr_pct,
        100.0 * reopened / nullif(solved, 0) as reopen_pct
    from counted
)

select * from final
order by period, customer_id, priority
