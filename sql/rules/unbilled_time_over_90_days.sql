-- unbilled_time_over_90_days (CONTRACT §4): a `time_and_materials` ERP project with ERP time
-- entries `approved`, `billable`, no `invoice_key`, and D − `work_date` > 90 days.
-- Amount at risk: Σ `hours × bill_rate` of those entries; in the reporting currency, each entry
-- converted at its `work_date` (null if any lacks a rate).
WITH toDate({as_of:DateTime64(3, 'UTC')}) AS d
SELECT
    p.key AS entity_key,
    [p.system] AS systems,
    sum(t.hours * ifNull(t.bill_rate, toDecimal128(0, 8))) AS amount_at_risk,
    ifNull(any(p.currency), {reporting:String}) AS currency,
    if(amount_at_risk = 0, CAST(0, 'Nullable(Decimal(38, 8))'),
       if(countIf(fx.fx_rate IS NULL) > 0, NULL, CAST(round(sum(t.hours * ifNull(t.bill_rate, toDecimal128(0, 8)) * fx.fx_rate), 8), 'Nullable(Decimal(38, 8))'))) AS amount_at_risk_reporting,
    any(p.practice) AS practice,
    any(p.region) AS region,
    any(p.name) AS `erp.project_name`,
    count() AS `erp.unbilled_entries`,
    sum(t.hours) AS `erp.unbilled_hours`,
    min(t.work_date) AS `erp.oldest_work_date`,
    max(t.work_date) AS `erp.newest_work_date`,
    sum(t.hours * ifNull(t.bill_rate, toDecimal128(0, 8))) AS `erp.unbilled_amount`
FROM cur_time_entry(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS t
INNER JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = t.project_key
ASOF LEFT JOIN
-- @include fx/parts/rates.sql
    AS fx ON fx.fx_currency = ifNull(t.currency, {reporting:String}) AND fx.fx_date <= t.work_date
WHERE p.billing_type = 'time_and_materials'
  AND t.status = 'approved'
  AND t.billable
  AND t.invoice_key IS NULL
  AND dateDiff('day', t.work_date, d) > {max_age_days:UInt32}
GROUP BY p.key, p.system
