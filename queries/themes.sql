-- themes: what the period's tickets were about, for the team, each customer and each contract.
--
-- Definition: a ticket's theme is its `category` as the desk filed it; when it has none, its
-- `product`; when it has neither, "(none)" (`theme_from` says which). A ticket belongs to the
-- period it was created in. Share = the theme's tickets / all the key's tickets of the period
-- (%). Change = this share - the same theme's share of the key's tickets in the previous
-- quarter, in points (empty when the key had no ticket then; a theme new this quarter changes
-- by its whole share). Breach rate = tickets with at least one breached commitment that is not
-- waived / the theme's tickets. Median resolution = the median resolution time (seconds, on the
-- commitment's own clock) of the theme's tickets whose resolution clock stopped, waived or not.
-- The example is the theme's earliest ticket of the period. Tickets outside any contract count
-- for the team and their customer, not under a contract. When one theme name comes both from
-- categories and from products, `theme_from` reads `category`.
-- Counts and examples are taken at the finest grain (period, customer, contract, theme) and
-- rolled up: the earliest ticket of a key is the earliest of its parts' earliest. The median
-- needs every ticket of the key.
with finest as (
    select
        period,
        customer_id,
        contract_id,
        theme,
        min(theme_from) as theme_from,
        count(*) as tickets,
        sum(breached) as breached_tickets
    from _ticket_themes
    group by period, customer_id, contract_id, theme
),

finest_examples as (
    select period, customer_id, contract_id, theme, created_at, ticket_id, subject
    from (
        select
            period,
            customer_id,
            contract_id,
            theme,
            created_at,
            ticket_id,
            subject,
            row_number() over (
                partition by period, customer_id, contract_id, theme
                order by created_at, ticket_id
            ) as example_rank
        from _ticket_themes
    ) ranked
    where example_rank = 1
),

keyed_counts as (
    select 'all' as dimension, 'all' as key, period, theme, theme_from, tickets,
        breached_tickets
    from finest
    union all
    select 'customer' as dimension, customer_id as key, period, theme, theme_from, tickets,
        breached_tickets
    from finest
    union all
    select 'contract' as dimension, contract_id as key, period, theme, theme_from, tickets,
        breached_tickets
    from finest
    where coalesce(contract_id, '') <> ''
),

-- Every period's counts, not only the four reported: the first one's change needs the
-- quarter before it.
theme_counts as (
    select
        period,
        dimension,
        key,
        theme,
        min(theme_from) as theme_from,
        sum(tickets) as tickets,
        sum(breached_tickets) as breached_tickets
    from keyed_counts
    group by period, dimension, key, theme
),

key_totals as (
    select period, dimension, key, sum(tickets) as tickets
    from theme_counts
    group by period, dimension, key
),

resolved as (
    select 'all' as dimension, 'all' as key, period, theme, resolution_seconds
    from _ticket_themes
    where resolution_seconds is not null
    union all
    select 'customer' as dimension, customer_id as key, period, theme, resolution_seconds
    from _ticket_themes
    where resolution_seconds is not null
    union all
    select 'contract' as dimension, contract_id as key, period, theme, resolution_seconds
    from _ticket_themes
    where resolution_seconds is not null and coalesce(contract_id, '') <> ''
),

median_resolution as (
    select period, dimension, key, theme, median(resolution_seconds) as seconds
    from resolved
    group by period, dimension, key, theme
),

keyed_examples as (
    select 'all' as dimension, 'all' as key, period, theme, created_at, ticket_id, subject
    from finest_examples
    union all
    select 'customer' as dimension, customer_id as key, period, theme, created_at, ticket_id,
        subject
    from finest_examples
    union all
    select 'contract' as dimension, contract_id as key, period, theme, created_at, ticket_id,
        subject
    from finest_examples
    where coalesce(contract_id, '') <> ''
),

ranked_examples as (
    select
        period,
        dimension,
        key,
        theme,
        ticket_id,
        subject,
        row_number() over (
            partition by period, dimension, key, theme order by created_at, ticket_id
        ) as example_rank
    from keyed_examples
),

examples as (
    select period, dimension, key, theme, ticket_id, subject
    from ranked_examples
    where example_rank = 1
),

final as (
    select
        c.period,
        c.dimension,
        c.key,
        c.theme,
        c.theme_from,
        c.tickets,
        100.0 * c.tickets / kt.tickets as share_pct,
        coalesce(prev.tickets, 0) as previous_tickets,
        case
            when prev_total.tickets is null then null
            else 100.0 * c.tickets / kt.tickets
                - 100.0 * coalesce(prev.tickets, 0) / prev_total.tickets
        end as change_pt,
        c.breached_tickets,
        100.0 * c.breached_tickets / c.tickets as breach_rate_pct,
        m.seconds as median_resolution_seconds,
        e.ticket_id as example_ticket_id,
        e.subject as example_subject
    from theme_counts c
    join periods p on c.period = p.period
    join key_totals kt
        on c.period = kt.period and c.dimension = kt.dimension and c.key = kt.key
    left join theme_counts prev
        on prev.period = p.previous_period
        and c.dimension = prev.dimension
        and c.key = prev.key
        and c.theme = prev.theme
    left join key_totals prev_total
        on prev_total.period = p.previous_period
        and c.dimension = prev_total.dimension
        and c.key = prev_total.key
    left join median_resolution m
        on c.period = m.period
        and c.dimension = m.dimension
        and c.key = m.key
        and c.theme = m.theme
    join examples e
        on c.period = e.period
        and c.dimension = e.dimension
        and c.key = e.key
        and c.theme = e.theme
)

select * from final
order by period, dimension, key, tickets desc, theme
