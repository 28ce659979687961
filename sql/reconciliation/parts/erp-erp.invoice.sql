-- The shared body of erp-erp.invoice.sql (history) and erp-erp.invoice.derived.sql (derived facts):
-- every issued or paid T&M invoice against its time and expenses, given a `time` CTE (per
-- invoice_key: time_total, hours_total).
    expenses AS
    (
        SELECT assumeNotNull(invoice_key) AS invoice_key, sum(amount) AS expense_total
        FROM cur_expense(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')})
        WHERE invoice_key IS NOT NULL AND billable
        GROUP BY invoice_key
    )
SELECT
    i.key AS record_key,
    if(abs(i.amount - (ifNull(t.time_total, toDecimal128(0, 16)) + ifNull(e.expense_total, toDecimal128(0, 8))))
       > greatest(toDecimal128(1, 8), toDecimal128(0.005, 8) * (ifNull(t.time_total, toDecimal128(0, 16)) + ifNull(e.expense_total, toDecimal128(0, 8)))),
       'differing', 'matched') AS status,
    i.invoice_date AS period,
    pr.practice AS practice,
    i.project_key AS project_key,
    ifNull(i.currency, {reporting:String}) AS currency,
    -- An invoice with the time and expenses behind it converts at its invoice_date (CONTRACT §5 Currency).
    i.invoice_date AS fx_day,
    i.amount AS amount_a,
    ifNull(t.time_total, toDecimal128(0, 16)) + ifNull(e.expense_total, toDecimal128(0, 8)) AS amount_b,
    amount_a - amount_b AS amount_diff,
    if(status = 'differing', 'invoice_amount_mismatch', '') AS rule,
    i.status AS a_status, i.amount AS a_invoice_amount, i.period_start AS a_period_start, i.period_end AS a_period_end,
    t.hours_total AS b_hours, t.time_total AS b_time_amount, e.expense_total AS b_expense_amount
FROM cur_invoice(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS i
INNER JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS pr ON pr.key = i.project_key
LEFT JOIN time AS t ON t.invoice_key = i.key
LEFT JOIN expenses AS e ON e.invoice_key = i.key
WHERE i.status IN ('issued', 'paid') AND pr.billing_type = 'time_and_materials'
