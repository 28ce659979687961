-- invoice_amount_mismatch (CONTRACT §4): an ERP invoice `issued` or `paid` on a
-- `time_and_materials` project whose `amount` differs from Σ(ERP time entries with that
-- `invoice_key`: `hours × bill_rate`) + Σ(ERP billable expenses with that `invoice_key`:
-- `amount`) by more than max(1.00, 0.5 % of the computed sum). Amount at risk: abs(diff), converted at
-- `invoice_date` (the amounts compare in their own currency).
WITH
    time AS
    (
        SELECT assumeNotNull(invoice_key) AS invoice_key,
               sum(hours * ifNull(bill_rate, toDecimal128(0, 8))) AS time_total,
               sum(hours) AS hours_total,
               count() AS time_count
        FROM cur_time_entry(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')})
        WHERE invoice_key IS NOT NULL
        GROUP BY invoice_key
    ),
-- @include rules/parts/invoice_amount_mismatch.sql
