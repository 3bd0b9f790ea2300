-- _ticket_base (intermediate: held for the queries, not written): one row per ticket of
-- `ticket_facts` with the descriptive columns of its `tickets` row, joined once here for
-- `_ticket_themes`, `_ticket_counts`, `_resolution_counts` and `_weekly_counts` (with the local
-- date, quarter and after-as_of flag of created_at that every lake timestamp has).
with facts as (
    select
        ticket_id,
        customer_id,
        contract_id,
        period,
        created_at,
        priority_filed,
        status_at_as_of
    from ticket_facts
),

ticket_text as (
    select
        ticket_id,
        category,
        product,
        subject,
        channel,
        resolution_type,
        created_at_date,
        created_at_period,
        created_at_after_as_of
    from tickets
),

final as (
    select
        f.*,
        t.category,
        t.product,
        t.subject,
        t.channel,
        t.resolution_type,
        t.created_at_date,
        t.created_at_period,
        t.created_at_after_as_of
    from facts f
    join ticket_text t on f.ticket_id = t.ticket_id
)

select * from final
