-- PSA ↔ ERP projects: matched on key; differing when status, billing type or budget differ.
SELECT
    ifNull(p.key, e.key) AS record_key,
    multiIf(e.key IS NULL, 'only_a', p.key IS NULL, 'only_b',
            p.status != e.status OR p.billing_type != e.billing_type OR ifNull(p.budget_amount, 0) != ifNull(e.budget_amount, 0), 'differing', 'matched') AS status,
    toDate(ifNull(ifNull(e.created_at, p.created_at), toDateTime64(ifNull(e.start_date, p.start_date), 3, 'UTC'))) AS period,
    ifNull(e.practice, p.practice) AS practice,
    ifNull(p.key, e.key) AS project_key,
    ifNull(ifNull(e.currency, p.currency), {reporting:String}) AS currency,
    -- A project's budget converts at D (CONTRACT §5 Currency).
    toDate({as_of:DateTime64(3, 'UTC')}) AS fx_day,
    p.budget_amount AS amount_a,
    e.budget_amount AS amount_b,
    ifNull(amount_a, toDecimal128(0, 8)) - ifNull(amount_b, toDecimal128(0, 8)) AS amount_diff,
    multiIf(status = 'only_a' AND p.status != 'closed', 'project_missing_in_erp', status = 'only_b' AND e.status != 'closed', 'project_missing_in_psa', '') AS rule,
    p.name AS a_name, p.status AS a_status, p.billing_type AS a_billing_type, p.budget_amount AS a_budget_amount,
    e.name AS b_name, e.status AS b_status, e.billing_type AS b_billing_type, e.budget_amount AS b_budget_amount
FROM cur_project(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}) AS p
FULL OUTER JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS e ON e.key = p.key
