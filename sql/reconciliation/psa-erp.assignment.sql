-- PSA assignments ↔ ERP rate cards: each active PSA assignment with a role and a bill rate
-- against the ERP rate card for its (project, role) effective on the date of as_of (the latest
-- effective_from of several). only_a: no such card; differing: rates differ by more than 0.005.
-- Amounts: bill rate × planned hours on each side.
WITH
    toDate({as_of:DateTime64(3, 'UTC')}) AS d,
    cards AS
    (
        SELECT project_key, role,
               argMax(tuple(key, bill_rate), tuple(ifNull(toDate32(effective_from), toDate32('1900-01-01')), key)) AS card
        FROM cur_rate_card(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')})
        WHERE (effective_from IS NULL OR effective_from <= d) AND (effective_to IS NULL OR effective_to >= d)
        GROUP BY project_key, role
    )
SELECT
    a.key AS record_key,
    multiIf(c.project_key IS NULL, 'only_a', abs(assumeNotNull(a.bill_rate) - c.card.2) > 0.005, 'differing', 'matched') AS status,
    a.start_date AS period,
    pr.practice AS practice,
    a.project_key AS project_key,
    ifNull(a.currency, {reporting:String}) AS currency,
    -- Assignments convert at D (CONTRACT §5 Currency).
    d AS fx_day,
    assumeNotNull(a.bill_rate) * ifNull(a.planned_hours, toDecimal128(0, 8)) AS amount_a,
    c.card.2 * ifNull(a.planned_hours, toDecimal128(0, 8)) AS amount_b,
    ifNull(amount_a, toDecimal128(0, 16)) - ifNull(amount_b, toDecimal128(0, 16)) AS amount_diff,
    if(status = 'differing', 'assignment_rate_mismatch', '') AS rule,
    a.role AS a_role, a.bill_rate AS a_bill_rate, a.planned_hours AS a_planned_hours, a.resource_key AS a_resource_key,
    c.card.1 AS b_rate_card_key, c.card.2 AS b_bill_rate
FROM cur_assignment(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}) AS a
LEFT JOIN cards AS c ON c.project_key = a.project_key AND c.role = a.role
LEFT JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS pr ON pr.key = a.project_key
WHERE a.status = 'active' AND a.role IS NOT NULL AND a.bill_rate IS NOT NULL
