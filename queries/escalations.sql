-- escalations: every escalation raised in the period, with who held the ticket then.
--
-- Definition: one row per accepted `escalate` event (review.md) whose instant falls in the
-- period (reporting zone): the ticket, its customer and contract, when, the level (the event's
-- value: `management`, `executive` or the desk's own words), who raised it (empty = the
-- customer), and the ticket's priority and engineer in force at that instant (the values after
-- every event at or before it, edge rule 3; empty = unassigned) with the engineer's team
-- (engineers.csv; empty when unknown). An escalation is counted in the period it was raised,
-- not the ticket's period. Every escalation is listed: the team's rule is that each one is
-- reported to management. Ticket by ticket: `escalation_events` (all escalations, any period).
with events as (
    select e.*
    from escalation_events e
    join periods p on e.period = p.period
),

final as (
    select
        e.period,
        e.ticket_id,
        e.customer_id,
        e.contract_id,
        e.at,
        e.level,
        e.raised_by,
        e.priority,
        e.engineer_id,
        g.team,
        t.subject,
        e.source_line
    from events e
    left join engineers g on e.engineer_id = g.engineer_id
    left join tickets t on e.ticket_id = t.ticket_id
)

select
    period,
    ticket_id,
    customer_id,
    contract_id,
    at,
    level,
    raised_by,
    priority,
    engineer_id,
    team,
    subject
from final
order by period, at, ticket_id, source_line
