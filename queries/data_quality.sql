-- data_quality: everything in the exports that a figure had to leave out, set aside or read in
-- a particular way, one row per finding, so nobody wonders where a ticket went.
--
-- Definition: `rejected_row` = a row ingest rejected (file, line, column and the reason; a
-- survey or event of an unknown ticket is one of these); `ticket_outside_contract` = a ticket
-- created on a date no contract of its customer covers (no SLA rows; still counted in volume,
-- backlog and engineer load); `ticket_without_events` = a ticket with no activity, measured from
-- its exported status (edge rule 4); `export_status_differs` = a ticket whose last status event
-- disagrees with its exported status (the events win); `ticket_after_as_of`, `event_after_as_of`
-- and `survey_after_as_of` = rows dated after the export instant, which do not exist yet for any
-- figure; `survey_replaced` = a survey replaced by a later survey of the same ticket;
-- `engineer_not_in_roster` = someone credited with work who is not in engineers.csv.
with rejected as (
    select
        'rejected_row' as check,
        cast(null as varchar) as period,
        file,
        line,
        "column" as column_name,
        cast(null as varchar) as ticket_id,
        cast(null as varchar) as item_id,
        reason as detail
    from rejects
),

ticket_findings as (
    -- One pass over the tickets for the three ticket-level findings.
    select f.*, t.source_line, t.status as export_status, t.created_at_date
    from ticket_facts f
    join tickets t on f.ticket_id = t.ticket_id
    where f.contract_id is null or f.no_events or f.export_status_differs
),

outside_contract as (
    select
        'ticket_outside_contract' as check,
        period,
        'tickets' as file,
        source_line as line,
        'customer_id' as column_name,
        ticket_id,
        cast(null as varchar) as item_id,
        'customer ' || customer_id || ' has no contract covering '
            || cast(created_at_date as varchar) as detail
    from ticket_findings
    where contract_id is null
),

without_events as (
    select
        'ticket_without_events' as check,
        period,
        'tickets' as file,
        source_line as line,
        'status' as column_name,
        ticket_id,
        cast(null as varchar) as item_id,
        'no events: measured from created_at with the exported status `' || export_status || '`'
            as detail
    from ticket_findings
    where no_events
),

status_differs as (
    select
        'export_status_differs' as check,
        period,
        'tickets' as file,
        source_line as line,
        'status' as column_name,
        ticket_id,
        cast(null as varchar) as item_id,
        'exported status `' || export_status || '`, but the last status event says `'
            || status_at_as_of || '`; the events are used' as detail
    from ticket_findings
    where export_status_differs
),

tickets_later as (
    select
        'ticket_after_as_of' as check,
        t.created_at_period as period,
        'tickets' as file,
        t.source_line as line,
        'created_at' as column_name,
        t.ticket_id,
        cast(null as varchar) as item_id,
        'created after as_of: not counted anywhere' as detail
    from tickets t
    where t.created_at_after_as_of
),

events_later as (
    select
        'event_after_as_of' as check,
        cast(null as varchar) as period,
        'ticket_events' as file,
        e.source_line as line,
        'at' as column_name,
        e.ticket_id,
        cast(null as varchar) as item_id,
        'a `' || e.kind || '` event after as_of: ignored' as detail
    from ticket_events e
    where e.at_after_as_of
),

surveys_later as (
    select
        'survey_after_as_of' as check,
        s.responded_at_period as period,
        'surveys' as file,
        s.source_line as line,
        'responded_at' as column_name,
        s.ticket_id,
        s.survey_id as item_id,
        'responded after as_of: not counted' as detail
    from surveys s
    where s.responded_at_after_as_of
),

ranked_surveys as (
    -- The same rule as `csat`, over every period: the latest response of a ticket is kept.
    select
        survey_id,
        ticket_id,
        responded_at_period,
        source_line,
        first_value(survey_id) over (
            partition by ticket_id
            order by responded_at desc, source_line desc
        ) as kept_survey_id
    from surveys
    where not responded_at_after_as_of
),

replaced as (
    select
        'survey_replaced' as check,
        responded_at_period as period,
        'surveys' as file,
        source_line as line,
        'ticket_id' as column_name,
        ticket_id,
        survey_id as item_id,
        'replaced by the later survey ' || kept_survey_id || ' of the same ticket' as detail
    from ranked_surveys
    where survey_id <> kept_survey_id
),

unknown_engineers as (
    select
        'engineer_not_in_roster' as check,
        d.period,
        'engineers' as file,
        cast(null as bigint) as line,
        'engineer_id' as column_name,
        cast(null as varchar) as ticket_id,
        d.engineer_id as item_id,
        'credited with work in ' || d.period || ' but not in engineers.csv' as detail
    from engineer_load d
    where not d.in_roster
),

final as (
    select * from rejected
    union all select * from outside_contract
    union all select * from without_events
    union all select * from status_differs
    union all select * from tickets_later
    union all select * from events_later
    union all select * from surveys_later
    union all select * from replaced
    union all select * from unknown_engineers
)

select * from final
order by check, file, line, item_id
