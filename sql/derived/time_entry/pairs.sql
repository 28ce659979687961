-- An application's change to fact_time_pair. Statuses and rules as in
-- sql/reconciliation/psa-erp.time_entry.sql: matched (hours within 0.01, the same bill rate),
-- differing, only_a (PSA only), only_b (ERP only).
INSERT INTO fact_time_pair (project_key, period, status, rule, currency, valid_from, records, amount_a, amount_b)
SELECT
    if(has_p, p_project_key, e_project_key) AS project_key,
    if(has_p, p_work_date, e_work_date) AS period,
    multiIf(NOT has_e, 'only_a', NOT has_p, 'only_b',
            abs(p_hours - e_hours) > 0.01 OR ifNull(p_bill_rate, 0) != ifNull(e_bill_rate, 0), 'differing', 'matched') AS status,
    multiIf(status = 'only_a' AND p_status = 'approved', 'time_entry_missing_in_erp',
            status = 'differing' AND abs(p_hours - e_hours) > 0.01, 'time_entry_hours_mismatch', '') AS rule,
    -- Empty: none given, so the reporting currency of the read (as fact_time_entry); tables
    -- filled before this kept 'USD' there.
    ifNull(if(has_p AND p_currency IS NOT NULL, p_currency, if(has_e, e_currency, NULL)), '') AS currency,
    {valid_from:DateTime64(3, 'UTC')} AS valid_from,
    sum(side) AS records,
    sum(side * if(has_p, p_hours * ifNull(p_bill_rate, toDecimal128(0, 8)), toDecimal128(0, 16))) AS amount_a,
    sum(side * if(has_e, e_hours * ifNull(e_bill_rate, toDecimal128(0, 8)), toDecimal128(0, 16))) AS amount_b
FROM derived_time_change
WHERE apply = {apply:UInt64} AND (has_p OR has_e)
GROUP BY project_key, period, status, rule, currency
HAVING records != 0 OR amount_a != 0 OR amount_b != 0
