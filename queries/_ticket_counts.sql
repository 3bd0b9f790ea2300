-- _ticket_counts (intermediate: held for `ticket_volume`, not written): tickets created in the
-- report's periods per period, customer, contract, priority as filed, channel and product (an
-- empty channel or product is `(none)`). Computed once here, since `ticket_volume` reads it for
-- three dimensions and three breakdowns.
with tickets_in as (
    select
        b.period,
        b.customer_id,
        b.contract_id,
        b.priority_filed,
        coalesce(nullif(b.channel, ''), '(none)') as channel,
        coalesce(nullif(b.product, ''), '(none)') as product
    from _ticket_base b
    join periods p on b.period = p.period
),

final as (
    select period, customer_id, contract_id, priority_filed, channel, product, count(*) as n
    from tickets_in
    group by period, customer_id, contract_id, priority_filed, channel, product
)

select * from final
