-- The shared body of realization.sql (history) and realization.derived.sql (derived facts):
-- realization by group, given a `time` CTE (per invoice_key and currency: time_total,
-- reconciled_total). Each invoice's amounts (its own, its billable expenses', its time's) convert
-- at its invoice_date, each in its own currency; one with any of them lacking a rate is left out
-- whole (CONTRACT §5 Currency; fx_num / fx_den: invoices converted / all).
    expenses AS
    (
        SELECT assumeNotNull(invoice_key) AS invoice_key, ifNull(currency, {reporting:String}) AS currency, sum(amount) AS expense_total
        FROM cur_expense(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')})
        WHERE invoice_key IS NOT NULL AND billable
        GROUP BY invoice_key, currency
    ),
    -- What stands behind each invoice, per currency: less its expenses (net), and its time.
    parts AS
    (
        SELECT invoice_key, currency, sum(net) AS net, sum(time_amount) AS time_amount, sum(reconciled_amount) AS reconciled_amount
        FROM
        (
            SELECT invoice_key, currency,
                   toDecimal128(-expense_total, 16) AS net, toDecimal128(0, 16) AS time_amount, toDecimal128(0, 16) AS reconciled_amount
            FROM expenses
            UNION ALL
            SELECT invoice_key, currency,
                   toDecimal128(0, 16) AS net, toDecimal128(time_total, 16) AS time_amount, toDecimal128(reconciled_total, 16) AS reconciled_amount
            FROM time
        )
        GROUP BY invoice_key, currency
    ),
    -- The invoices in the period, read once, each with its parts (a row per currency, or one
    -- with none).
    lines AS
    (
        SELECT
            i.key AS key,
            multiIf({by:String} = 'project', p.key,
                    {by:String} = 'practice', ifNull(p.practice, '(none)'),
                    {by:String} = 'month', toString(toStartOfMonth(i.invoice_date)),
                    '') AS grp,
            i.invoice_date AS invoice_date,
            ifNull(i.currency, {reporting:String}) AS currency,
            i.amount AS amount,
            b.currency IS NOT NULL AS has_part,
            ifNull(b.currency, currency) AS part_currency,
            ifNull(b.net, toDecimal128(0, 16)) AS net,
            ifNull(b.time_amount, toDecimal128(0, 16)) AS time_amount,
            ifNull(b.reconciled_amount, toDecimal128(0, 16)) AS reconciled_amount
        FROM cur_invoice(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS i
        INNER JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = i.project_key
        LEFT JOIN parts AS b ON b.invoice_key = i.key
        WHERE i.status IN ('issued', 'paid')
          AND p.billing_type = 'time_and_materials'
          AND i.invoice_date >= {from:Date} AND i.invoice_date <= {to:Date}
    ),
    rates AS
-- @include fx/parts/rates.sql
    ,
    converted AS
    (
        SELECT
            l.key AS key,
            any(l.grp) AS grp,
            countIf(ri.fx_rate IS NULL OR (l.has_part AND rp.fx_rate IS NULL)) = 0 AS ok,
            any(l.amount * assumeNotNull(ri.fx_rate)) + sum(l.net * assumeNotNull(rp.fx_rate)) AS net,
            sum(l.time_amount * assumeNotNull(rp.fx_rate)) AS time_amount,
            sum(l.reconciled_amount * assumeNotNull(rp.fx_rate)) AS reconciled_amount
        FROM lines AS l
        ASOF LEFT JOIN rates AS ri ON ri.fx_currency = l.currency AND ri.fx_date <= l.invoice_date
        ASOF LEFT JOIN rates AS rp ON rp.fx_currency = l.part_currency AND rp.fx_date <= l.invoice_date
        GROUP BY key
    )
SELECT
    grp,
    sumIf(net, ok) AS numerator,
    sumIf(time_amount, ok) AS denominator,
    sumIf(reconciled_amount, ok) AS cov_num,
    denominator AS cov_den,
    countIf(ok) AS fx_num,
    count() AS fx_den
FROM converted
GROUP BY grp
-- A group whose records were all left out (no rate) is no row; the total always is.
HAVING fx_num > 0 OR {by:String} = ''
ORDER BY grp
