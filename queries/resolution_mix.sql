-- resolution_mix: how the period's tickets were solved, for the team, each customer and each
-- contract.
--
-- Definition: tickets created in the period and done (solved or closed) at as_of, by their
-- `resolution_type` as the desk filed it (`permanent_fix`, `workaround`, `no_fault_found`,
-- `duplicate`, `user_error` or other text; "(none)" when empty). Share = the type's tickets /
-- the key's done tickets of the period (%). Tickets still open at as_of are not counted: they
-- have no resolution yet. Tickets outside any contract count for the team and their customer,
-- not under a contract.
with keyed as (
    select 'all' as dimension, 'all' as key, period, resolution_type, n
    from _resolution_counts
    union all
    select 'customer' as dimension, customer_id as key, period, resolution_type, n
    from _resolution_counts
    union all
    select 'contract' as dimension, contract_id as key, period, resolution_type, n
    from _resolution_counts
    where coalesce(contract_id, '') <> ''
),

type_counts as (
    select period, dimension, key, resolution_type, sum(n) as tickets
    from keyed
    group by period, dimension, key, resolution_type
),

key_totals as (
    select period, dimension, key, sum(n) as tickets
    from keyed
    group by period, dimension, key
),

final as (
    select
        c.period,
        c.dimension,
        c.key,
        c.resolution_type,
        c.tickets,
        100.0 * c.tickets / k.tickets as share_pct
    from type_counts c
    join key_totals k on c.period = k.period and c.dimension = k.dimension and c.key = k.key
)

select * from final
order by period, dimension, key, tickets desc, resolution_type
