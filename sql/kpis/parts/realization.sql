-- The shared body of realization.sql (history) and realization.derived.sql (derived facts):
-- realization by group, given a `time` CTE (per invoice_key: time_total, reconciled_total).
    expenses AS
    (
        SELECT assumeNotNull(invoice_key) AS invoice_key, sum(amount) AS expense_total
        FROM cur_expense(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')})
        WHERE invoice_key IS NOT NULL AND billable
        GROUP BY invoice_key
    )
SELECT
    multiIf({by:String} = 'project', p.key,
            {by:String} = 'practice', ifNull(p.practice, '(none)'),
            {by:String} = 'month', toString(toStartOfMonth(i.invoice_date)),
            '') AS grp,
    sum(i.amount - ifNull(e.expense_total, toDecimal128(0, 8))) AS numerator,
    sum(ifNull(t.time_total, toDecimal128(0, 16))) AS denominator,
    sum(ifNull(t.reconciled_total, toDecimal128(0, 16))) AS cov_num,
    denominator AS cov_den
FROM cur_invoice(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS i
INNER JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = i.project_key
LEFT JOIN time AS t ON t.invoice_key = i.key
LEFT JOIN expenses AS e ON e.invoice_key = i.key
WHERE i.status IN ('issued', 'paid')
  AND p.billing_type = 'time_and_materials'
  AND i.invoice_date >= {from:Date} AND i.invoice_date <= {to:Date}
GROUP BY grp
ORDER BY grp
