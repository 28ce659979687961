-- PSA ↔ ERP time entries (CONTRACT §6): every time entry of either side, matched on key.
-- matched: both sides, hours within 0.01 and the same bill rate; differing: both sides but not
-- equal; only_a: PSA only; only_b: ERP only. Amounts are hours × bill_rate on each side.
-- Both sides are read as a key range (key_after, key_upto]: empty bounds mean every key; an
-- export walks the range in slices (server/reconciliation/query.ts).
SELECT
    ifNull(p.key, e.key) AS record_key,
    multiIf(e.key IS NULL, 'only_a', p.key IS NULL, 'only_b',
            abs(p.hours - e.hours) > 0.01 OR ifNull(p.bill_rate, 0) != ifNull(e.bill_rate, 0), 'differing', 'matched') AS status,
    ifNull(p.work_date, e.work_date) AS period,
    pr.practice AS practice,
    ifNull(p.project_key, e.project_key) AS project_key,
    ifNull(ifNull(p.currency, e.currency), {reporting:String}) AS currency,
    -- A time entry converts at its work_date (CONTRACT §5 Currency).
    assumeNotNull(period) AS fx_day,
    p.hours * ifNull(p.bill_rate, toDecimal128(0, 8)) AS amount_a,
    e.hours * ifNull(e.bill_rate, toDecimal128(0, 8)) AS amount_b,
    ifNull(amount_a, toDecimal128(0, 16)) - ifNull(amount_b, toDecimal128(0, 16)) AS amount_diff,
    multiIf(status = 'only_a' AND p.status = 'approved', 'time_entry_missing_in_erp',
            status = 'differing' AND abs(p.hours - e.hours) > 0.01, 'time_entry_hours_mismatch', '') AS rule,
    p.resource_key AS a_resource_key, p.hours AS a_hours, p.bill_rate AS a_bill_rate, p.status AS a_status, p.billable AS a_billable,
    e.resource_key AS b_resource_key, e.hours AS b_hours, e.bill_rate AS b_bill_rate, e.status AS b_status, e.billable AS b_billable,
    e.invoice_key AS b_invoice_key
FROM cur_time_entry_range(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}, key_after = {key_after:String}, key_upto = {key_upto:String}) AS p
FULL OUTER JOIN cur_time_entry_range(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}, key_after = {key_after:String}, key_upto = {key_upto:String}) AS e ON e.key = p.key
LEFT JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS pr ON pr.key = ifNull(p.project_key, e.project_key)
