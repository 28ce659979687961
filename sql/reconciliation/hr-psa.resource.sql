-- HR ↔ PSA resources: matched on key; differing when cost rate (beyond 0.005), status or
-- practice differ. No amounts: cost rates are compared per person.
SELECT
    ifNull(h.key, p.key) AS record_key,
    multiIf(p.key IS NULL, 'only_a', h.key IS NULL, 'only_b',
            abs(ifNull(h.cost_rate, 0) - ifNull(p.cost_rate, 0)) > 0.005 OR h.status != p.status OR ifNull(h.practice, '') != ifNull(p.practice, ''), 'differing', 'matched') AS status,
    CAST(NULL, 'Nullable(Date)') AS period,
    ifNull(h.practice, p.practice) AS practice,
    CAST(NULL, 'Nullable(String)') AS project_key,
    ifNull(ifNull(h.currency, p.currency), {reporting:String}) AS currency,
    -- Rates of people convert at D (CONTRACT §5 Currency).
    toDate({as_of:DateTime64(3, 'UTC')}) AS fx_day,
    h.cost_rate AS amount_a,
    p.cost_rate AS amount_b,
    ifNull(amount_a, toDecimal128(0, 8)) - ifNull(amount_b, toDecimal128(0, 8)) AS amount_diff,
    multiIf(status = 'only_a' AND h.status = 'active' AND h.employment_type = 'employee', 'resource_missing_in_psa',
            status = 'differing' AND abs(ifNull(h.cost_rate, 0) - ifNull(p.cost_rate, 0)) > 0.005 AND h.cost_rate IS NOT NULL AND p.cost_rate IS NOT NULL,
            'resource_cost_rate_mismatch', '') AS rule,
    h.name AS a_name, h.status AS a_status, h.practice AS a_practice, h.cost_rate AS a_cost_rate, h.termination_date AS a_termination_date,
    p.name AS b_name, p.status AS b_status, p.practice AS b_practice, p.cost_rate AS b_cost_rate
FROM cur_resource(kind = 'hr', as_of = {as_of:DateTime64(3, 'UTC')}) AS h
FULL OUTER JOIN cur_resource(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = h.key
