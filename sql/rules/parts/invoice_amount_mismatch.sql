-- The shared body of invoice_amount_mismatch.sql (history) and invoice_amount_mismatch.derived.sql (derived facts):
-- the invoices whose amount differs from their time and expenses, given a `time` CTE (per
-- invoice_key: time_total, hours_total, time_count).
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
    ifNull(i.currency, {reporting:String}) AS currency,
    -- §5 Currency: 0 stays 0; else converted (null when no rate applies).
    if(amount_at_risk = 0, CAST(0, 'Nullable(Decimal(38, 8))'), CAST(round(amount_at_risk * fx.fx_rate, 8), 'Nullable(Decimal(38, 8))')) AS amount_at_risk_reporting,
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
ASOF LEFT JOIN
-- @include fx/parts/rates.sql
    AS fx ON fx.fx_currency = ifNull(i.currency, {reporting:String}) AND fx.fx_date <= i.invoice_date
WHERE i.status IN ('issued', 'paid')
  AND p.billing_type = 'time_and_materials'
  AND abs(i.amount - c.expected) > greatest({abs_tolerance:Decimal(38, 8)}, {rel_tolerance:Decimal(38, 8)} * c.expected)
