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
with facts as (
    select ticket_id, customer_id, contract_id, period, created_at
    from ticket_facts
),

ticket_text as (
    select ticket_id, category, product, subject
    from tickets
),

sla_rows as (
    select ticket_id, metric, state, waived, elapsed_seconds, stopped_at
    from ticket_sla
),

themed as (
    select
        f.ticket_id,
        f.customer_id,
        f.contract_id,
        f.period,
        f.created_at,
        t.subject,
        case
            when coalesce(t.category, '') <> '' then t.category
            when coalesce(t.product, '') <> '' then t.product
            else '(none)'
        end as theme,
        case
            when coalesce(t.category, '') <> '' then 'category'
            when coalesce(t.product, '') <> '' then 'product'
            else 'none'
        end as theme_from
    from facts f
    join ticket_text t on f.ticket_id = t.ticket_id
),

keyed as (
    select 'all' as dimension, 'all' as key, ticket_id, period, created_at, subject, theme,
        theme_from
    from themed
    union all
    select 'customer' as dimension, customer_id as key, ticket_id, period, created_at, subject,
        theme, theme_from
    from themed
    union all
    select 'contract' as dimension, contract_id as key, ticket_id, period, created_at, subject,
        theme, theme_from
    from themed
    where coalesce(contract_id, '') <> ''
),

breached_tickets as (
    select ticket_id, 1 as breached
    from sla_rows
    where state = 'breached' and not waived
    group by ticket_id
),

resolutions as (
    select ticket_id, elapsed_seconds
    from sla_rows
    where metric = 'resolution' and stopped_at is not null
),

-- Every period's counts, not only the four reported: the first one's change needs the
-- quarter before it.
theme_counts as (
    select
        k.period,
        k.dimension,
        k.key,
        k.theme,
        min(k.theme_from) as theme_from,
        count(*) as tickets,
        sum(coalesce(b.breached, 0)) as breached_tickets
    from keyed k
    left join breached_tickets b on k.ticket_id = b.ticket_id
    group by k.period, k.dimension, k.key, k.theme
),

key_totals as (
    select period, dimension, key, count(*) as tickets
    from keyed
    group by period, dimension, key
),

median_resolution as (
    select k.period, k.dimension, k.key, k.theme, median(r.elapsed_seconds) as seconds
    from keyed k
    join resolutions r on k.ticket_id = r.ticket_id
    group by k.period, k.dimension, k.key, k.theme
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
    from keyed
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
