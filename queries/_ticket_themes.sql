-- _ticket_themes (intermediate: held for `themes`, not written): one row per ticket with its
-- theme, whether it breached a commitment, and its resolution time.
--
-- theme: the ticket's `category` as the desk filed it; when it has none, its `product`; when it
-- has neither, "(none)" (`theme_from` says which). breached: 1 when at least one of its
-- ticket_sla rows is breached and not waived, else 0. resolution_seconds: elapsed_seconds of
-- its resolution row when that clock stopped (waived or not), else empty.
with breached_tickets as (
    select ticket_id, 1 as breached
    from ticket_sla
    where state = 'breached' and not waived
    group by ticket_id
),

resolutions as (
    select ticket_id, elapsed_seconds
    from ticket_sla
    where metric = 'resolution' and stopped_at is not null
),

final as (
    select
        f.ticket_id,
        f.customer_id,
        f.contract_id,
        f.period,
        f.created_at,
        f.subject,
        case
            when coalesce(f.category, '') <> '' then f.category
            when coalesce(f.product, '') <> '' then f.product
            else '(none)'
        end as theme,
        case
            when coalesce(f.category, '') <> '' then 'category'
            when coalesce(f.product, '') <> '' then 'product'
            else 'none'
        end as theme_from,
        coalesce(b.breached, 0) as breached,
        r.elapsed_seconds as resolution_seconds
    from _ticket_base f
    left join breached_tickets b on f.ticket_id = b.ticket_id
    left join resolutions r on f.ticket_id = r.ticket_id
)

select * from final
