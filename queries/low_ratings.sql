-- low_ratings: the survey comments a customer review quotes.
--
-- Definition: the counted surveys (`csat`: the latest survey of a ticket, in the period of its
-- responded_at) rated 3 or lower whose comment is not blank, with the ticket's customer and
-- contract (empty when the ticket is outside any contract).
with counted_surveys as (
    select k.period, k.customer_id, k.survey_id, k.ticket_id, k.rating, k.responded_at
    from csat k
    where k.rating <= 3
),

final as (
    select
        k.period,
        k.customer_id,
        f.contract_id,
        k.survey_id,
        k.ticket_id,
        k.rating,
        k.responded_at,
        s.comment
    from counted_surveys k
    join surveys s on k.survey_id = s.survey_id
    join ticket_facts f on k.ticket_id = f.ticket_id
    where s.comment is not null and trim(s.comment) <> ''
)

select * from final
order by period, contract_id, responded_at, survey_id
