-- billing_cycle_days (CONTRACT §5): mean of (`invoice_date` − `period_end`) in days over ERP
-- invoices `issued` or `paid` with `invoice_date` in [from, to] and a `period_end`.
-- by: month, practice. Reads the ERP only: coverage 1.
SELECT
    multiIf({by:String} = 'month', toString(toStartOfMonth(i.invoice_date)),
            {by:String} = 'practice', ifNull(p.practice, '(none)'),
            '') AS grp,
    toDecimal128(sum(dateDiff('day', assumeNotNull(i.period_end), i.invoice_date)), 0) AS numerator,
    toDecimal128(count(), 0) AS denominator,
    toDecimal128(1, 0) AS cov_num,
    toDecimal128(1, 0) AS cov_den
FROM cur_invoice(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS i
LEFT JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = i.project_key
WHERE i.status IN ('issued', 'paid')
  AND i.invoice_date >= {from:Date} AND i.invoice_date <= {to:Date}
  AND i.period_end IS NOT NULL
GROUP BY grp
ORDER BY grp
