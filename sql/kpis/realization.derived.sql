-- realization, from the derived facts (server/derived/): the same answer as realization.sql
-- as of any time the facts cover; the time behind each invoice comes from fact_time_entry.
WITH
    time AS
    (
        SELECT
            invoice_key,
            if(currency = '', {reporting:String}, currency) AS currency,
            sum(amount) AS time_total,
            sum(rec_amount) AS reconciled_total
        FROM fact_time_entry
        WHERE kind = 'erp' AND invoiced AND valid_from <= {as_of:DateTime64(3, 'UTC')}
        GROUP BY invoice_key, currency
        HAVING sum(entries) != 0
    ),
-- @include kpis/parts/realization.sql
