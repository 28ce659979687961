-- ERP invoices ↔ ERP time and expenses: each issued or paid invoice on a time-and-materials
-- project against Σ hours × bill_rate of the ERP time entries and Σ billable ERP expenses
-- carrying its key; differing beyond max(1.00, 0.5 % of the computed sum).
WITH
    time AS
    (
        SELECT assumeNotNull(invoice_key) AS invoice_key, sum(hours * ifNull(bill_rate, toDecimal128(0, 8))) AS time_total, sum(hours) AS hours_total
        FROM cur_time_entry(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')})
        WHERE invoice_key IS NOT NULL
        GROUP BY invoice_key
    ),
-- @include reconciliation/parts/erp-erp.invoice.sql
