-- invoice_amount_mismatch (CONTRACT §4): an ERP invoice `issued` or `paid` on a
-- `time_and_materials` project whose `amount` differs from Σ(ERP time entries with that
-- `invoice_key`: `hours × bill_rate`) + Σ(ERP billable expenses with that `invoice_key`:
-- `amount`) by more than max(1.00, 0.5 % of the computed sum). Amount at risk: abs(diff).
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
    expenses AS
    (
        SELECT assumeNotNull(invoice_key) AS invoice_key, sum(amount) AS expense_total, count() AS expense_count
        FROM cur_expense(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')})
        WHERE invoice_key IS NOT NULL AND billable
        GROUP BY invoice_key
    ),
    computed AS
    (
        SELECT
            i.key AS key,
            ifNull(t.time_total, toDecimal128(0, 16)) AS time_amount,
            ifNull(e.expense_total, toDecimal128(0, 8)) AS expense_amount,
            time_amount + expense_amount AS expected,
            ifNull(t.hours_total, toDecimal128(0, 8)) AS hours,
            ifNull(t.time_count, 0) AS time_entries,
            ifNull(e.expense_count, 0) AS expense_entries
        FROM cur_invoice(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS i
        LEFT JOIN time AS t ON t.invoice_key = i.key
        LEFT JOIN expenses AS e ON e.invoice_key = i.key
    )
SELECT
    i.key AS entity_key,
    [i.system] AS systems,
    abs(i.amount - c.expected) AS amount_at_risk,
    i.currency AS currency,
    p.practice AS practice,
    p.region AS region,
    i.project_key AS `erp.project_key`,
    i.invoice_date AS `erp.invoice_date`,
    i.status AS `erp.status`,
    i.amount AS `erp.invoice_amount`,
    c.time_amount AS `erp.time_amount`,
    c.expense_amount AS `erp.expense_amount`,
    c.expected AS `erp.expected_amount`,
    c.hours AS `erp.hours`,
    c.time_entries AS `erp.time_entries`,
    c.expense_entries AS `erp.expense_entries`,
    i.amount - c.expected AS `diff.amount`
FROM cur_invoice(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS i
INNER JOIN computed AS c ON c.key = i.key
INNER JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = i.project_key
WHERE i.status IN ('issued', 'paid')
  AND p.billing_type = 'time_and_materials'
  AND abs(i.amount - c.expected) > greatest({abs_tolerance:Decimal(38, 8)}, {rel_tolerance:Decimal(38, 8)} * c.expected)
