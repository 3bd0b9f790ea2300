-- _resolution_counts (intermediate: held for `resolution_mix`, not written): tickets created in
-- the report's periods and done (solved or closed) at as_of, per period, customer, contract and
-- resolution_type ("(none)" when empty). Computed once here, since `resolution_mix` reads it for
-- three dimensions.
with typed as (
    select
        b.customer_id,
        b.contract_id,
        b.period,
        case
            when coalesce(b.resolution_type, '') = '' then '(none)'
            else b.resolution_type
        end as resolution_type
    from _ticket_base b
    join periods p on b.period = p.period
    where b.status_at_as_of in ('solved', 'closed')
),

final as (
    select period, customer_id, contract_id, resolution_type, count(*) as n
    from typed
    group by period, customer_id, contract_id, resolution_type
)

select * from final
