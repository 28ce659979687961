-- invoice_amount_mismatch, from the derived facts (server/derived/): the same answer as
-- invoice_amount_mismatch.sql as of any time the facts cover; each invoice's time comes from
-- fact_time_entry.
WITH
    time AS
    (
        SELECT invoice_key,
               sum(amount) AS time_total,
               sum(hours) AS hours_total,
               toUInt64(sum(entries)) AS time_count
        FROM fact_time_entry
        WHERE kind = 'erp' AND invoiced AND valid_from <= {as_of:DateTime64(3, 'UTC')}
        GROUP BY invoice_key
        HAVING sum(entries) != 0
    ),
-- @include rules/parts/invoice_amount_mismatch.sql
