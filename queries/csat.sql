-- csat: one row per counted satisfaction survey.
--
-- Definition: one survey per ticket; when a ticket has several, the latest response counts
-- (latest responded_at, then the later line of the export) and replaces the others wherever
-- they fall, and it counts in the period of its own responded_at. A survey is satisfied or
-- better when rated 4 or 5, and very satisfied when rated 5. It is attributed to the ticket's
-- customer, to the ticket's priority at as_of, and to the engineer assigned at the ticket's
-- first solve (empty if the ticket was never solved). Responses after as_of do not exist yet.
-- Listed for the periods written (the report period and the three before it).
with responses as (
    select
        s.survey_id,
        s.ticket_id,
        s.responded_at,
        s.responded_at_period as period,
        s.rating,
        s.source_line
    from surveys s
    where not s.responded_at_after_as_of
),

ranked as (
    select
        *,
        row_number() over (
            partition by ticket_id
            order by responded_at desc, source_line desc
        ) as newest_first
    from responses
),

final as (
    select
        k.survey_id,
        k.ticket_id,
        f.customer_id,
        f.assignee_at_first_solve as engineer_id,
        f.priority,
        k.period,
        k.rating,
        k.rating >= 4 as satisfied,
        k.rating = 5 as very_satisfied,
        k.responded_at
    from ranked k
    join ticket_facts f on k.ticket_id = f.ticket_id
    join periods p on k.period = p.period
    where k.newest_first = 1
)

select * from final
order by responded_at, survey_id
