-- realization (CONTRACT §5): over ERP invoices `issued`/`paid` with `invoice_date` in
-- [from, to] on `time_and_materials` projects: Σ (invoice `amount` − Σ `amount` of ERP billable
-- expenses with that `invoice_key`), over Σ `hours × bill_rate` of the ERP time entries (any
-- status) with that `invoice_key`. by: project, practice, month. In the reporting currency: an
-- invoice with its time and expenses converts at its invoice_date, or is left out whole.
-- Coverage: the share of that time amount whose entries exist in the PSA with equal hours.
WITH
    time AS
    (
        SELECT
            assumeNotNull(t.invoice_key) AS invoice_key,
            ifNull(t.currency, {reporting:String}) AS currency,
            sum(t.hours * ifNull(t.bill_rate, toDecimal128(0, 8))) AS time_total,
            sumIf(t.hours * ifNull(t.bill_rate, toDecimal128(0, 8)), psa.key != '' AND abs(psa.hours - t.hours) <= 0.01) AS reconciled_total
        FROM cur_time_entry(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS t
        LEFT JOIN cur_time_entry(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}) AS psa ON psa.key = t.key
        WHERE t.invoice_key IS NOT NULL
        GROUP BY invoice_key, currency
    ),
-- @include kpis/parts/realization.sql
