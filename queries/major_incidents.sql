-- major_incidents: every P1 or system-down ticket created in the period.
--
-- Definition: a major incident is a ticket whose priority at as_of is P1 or whose severity is
-- system down, in the period it was created in. Duration = calendar time from creation to the
-- first solve, or to as_of while never solved (a reopen does not extend it). Open at as_of =
-- not solved or closed then. Escalations = the ticket's escalate events up to as_of, whenever
-- in its life they came. Category, root cause, resolution type and problem are as the desk
-- filed them. Breached = its commitments that breached and are not waived, in the order first
-- response, update, resolution, system down.
with facts as (
    select
        ticket_id,
        customer_id,
        contract_id,
        period,
        priority,
        severity,
        created_at,
        first_solved_at,
        status_at_as_of
    from ticket_facts
    where priority = 'P1' or severity = 'system_down'
),

ticket_text as (
    select ticket_id, category, root_cause, resolution_type, problem_id, subject
    from tickets
),

escalate_events as (
    select ticket_id, count(*) as events
    from ticket_events
    where kind = 'escalate' and not at_after_as_of
    group by ticket_id
),

breached_rows as (
    select
        ticket_id,
        array_to_string(
            array_agg(
                metric order by
                    case metric
                        when 'first_response' then 1
                        when 'update' then 2
                        when 'resolution' then 3
                        else 4
                    end
            ),
            ', '
        ) as metrics
    from ticket_sla
    where state = 'breached' and not waived
    group by ticket_id
),

as_of_instant as (
    select as_of from run_info
),

final as (
    select
        f.period,
        f.ticket_id,
        f.customer_id,
        f.contract_id,
        f.priority,
        f.severity,
        f.created_at,
        f.first_solved_at,
        cast(
            (cast(coalesce(f.first_solved_at, a.as_of) as bigint) - cast(f.created_at as bigint))
            / 1000 as bigint
        ) as duration_seconds,
        f.status_at_as_of not in ('solved', 'closed') as open_at_as_of,
        coalesce(e.events, 0) as escalations,
        t.category,
        t.root_cause,
        t.resolution_type,
        t.problem_id,
        t.subject,
        coalesce(b.metrics, '') as breached_metrics
    from facts f
    join periods p on f.period = p.period
    cross join as_of_instant a
    join ticket_text t on f.ticket_id = t.ticket_id
    left join escalate_events e on f.ticket_id = e.ticket_id
    left join breached_rows b on f.ticket_id = b.ticket_id
)

select * from final
order by period, created_at, ticket_id
