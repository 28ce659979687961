-- PSA ↔ ERP expenses: matched on key; differing when amount, billable or status differ.
-- Both sides are read as a key range (key_after, key_upto]: empty bounds mean every key; an
-- export walks the range in slices (server/reconciliation/query.ts).
SELECT
    ifNull(p.key, e.key) AS record_key,
    multiIf(e.key IS NULL, 'only_a', p.key IS NULL, 'only_b',
            p.amount != e.amount OR p.billable != e.billable OR p.status != e.status, 'differing', 'matched') AS status,
    ifNull(p.expense_date, e.expense_date) AS period,
    pr.practice AS practice,
    ifNull(p.project_key, e.project_key) AS project_key,
    ifNull(ifNull(p.currency, e.currency), {reporting:String}) AS currency,
    -- An expense converts at its expense_date (CONTRACT §5 Currency).
    assumeNotNull(period) AS fx_day,
    p.amount AS amount_a,
    e.amount AS amount_b,
    ifNull(amount_a, toDecimal128(0, 8)) - ifNull(amount_b, toDecimal128(0, 8)) AS amount_diff,
    '' AS rule,
    p.resource_key AS a_resource_key, p.amount AS a_amount, p.billable AS a_billable, p.status AS a_status,
    e.resource_key AS b_resource_key, e.amount AS b_amount, e.billable AS b_billable, e.status AS b_status, e.invoice_key AS b_invoice_key
FROM cur_expense_range(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}, key_after = {key_after:String}, key_upto = {key_upto:String}) AS p
FULL OUTER JOIN cur_expense_range(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}, key_after = {key_after:String}, key_upto = {key_upto:String}) AS e ON e.key = p.key
LEFT JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS pr ON pr.key = ifNull(p.project_key, e.project_key)
