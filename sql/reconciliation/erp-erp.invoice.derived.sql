-- ERP invoices ↔ ERP time and expenses, from the derived facts (server/derived/): the same
-- records as erp-erp.invoice.sql as of any time the facts cover.
WITH
    time AS
    (
        SELECT invoice_key, sum(amount) AS time_total, sum(hours) AS hours_total
        FROM fact_time_entry
        WHERE kind = 'erp' AND invoiced AND valid_from <= {as_of:DateTime64(3, 'UTC')}
        GROUP BY invoice_key
        HAVING sum(entries) != 0
    ),
-- @include reconciliation/parts/erp-erp.invoice.sql
