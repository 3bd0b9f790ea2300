-- ticket_volume: tickets created in the period by priority as filed, channel and product, for
-- the team, each customer and each contract.
--
-- Definition: every ticket created in the period (its created_at in the reporting zone) counts
-- once under each of `priority` (the priority it was filed with, before any change), `channel`
-- and `product`; an empty channel or product is `(none)`. share_pct = the value's tickets / the
-- key's tickets in the period. Tickets outside any contract count for the team and their
-- customer only.
with keyed as (
    select period, 'all' as dimension, 'all' as key, priority_filed, channel, product, n
    from _ticket_counts
    union all
    select period, 'customer' as dimension, customer_id as key, priority_filed, channel, product, n
    from _ticket_counts
    union all
    select period, 'contract' as dimension, contract_id as key, priority_filed, channel, product, n
    from _ticket_counts
    where contract_id is not null
),

valued as (
    select period, dimension, key, 'priority' as by, priority_filed as value, n from keyed
    union all
    select period, dimension, key, 'channel' as by, channel as value, n from keyed
    union all
    select period, dimension, key, 'product' as by, product as value, n from keyed
),

counted as (
    select period, dimension, key, by, value, sum(n) as tickets
    from valued
    group by period, dimension, key, by, value
),

key_totals as (
    select period, dimension, key, sum(n) as key_tickets
    from keyed
    group by period, dimension, key
),

final as (
    select
        c.period,
        c.dimension,
        c.key,
        c.by,
        c.value,
        c.tickets,
        100.0 * c.tickets / nullif(k.key_tickets, 0) as share_pct
    from counted c
    join key_totals k on c.period = k.period and c.dimension = k.dimension and c.key = k.key
)

select * from final
order by period, dimension, key, by, tickets desc, value
