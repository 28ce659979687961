-- time_entry_missing_in_erp, from the derived candidates (server/derived/): the same answer as
-- time_entry_missing_in_erp.sql as of now. now_time_issue holds every PSA time entry that is
-- approved with no ERP copy; the age condition is applied here.
SELECT
    t.key AS entity_key,
    [t.p_system] AS systems,
    if(t.p_billable, t.p_hours * ifNull(t.p_bill_rate, toDecimal128(0, 8)), toDecimal128(0, 16)) AS amount_at_risk,
    ifNull(t.p_currency, {reporting:String}) AS currency,
    -- §5 Currency: 0 stays 0; else converted (null when no rate applies).
    if(amount_at_risk = 0, CAST(0, 'Nullable(Decimal(38, 8))'), CAST(round(amount_at_risk * fx.fx_rate, 8), 'Nullable(Decimal(38, 8))')) AS amount_at_risk_reporting,
    p.practice AS practice,
    p.region AS region,
    t.p_resource_key AS `psa.resource_key`,
    t.p_project_key AS `psa.project_key`,
    t.p_work_date AS `psa.work_date`,
    t.p_hours AS `psa.hours`,
    t.p_billable AS `psa.billable`,
    t.p_bill_rate AS `psa.bill_rate`,
    t.p_approved_at AS `psa.approved_at`,
    CAST(NULL, 'Nullable(String)') AS `erp.key`
FROM now_time_issue AS t FINAL
LEFT JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = t.p_project_key
ASOF LEFT JOIN
-- @include fx/parts/rates.sql
    AS fx ON fx.fx_currency = ifNull(t.p_currency, {reporting:String}) AND fx.fx_date <= t.p_work_date
WHERE NOT t.has_e
  AND t.p_status = 'approved'
  AND t.p_approved_at IS NOT NULL
  AND t.p_approved_at < {as_of:DateTime64(3, 'UTC')} - toIntervalMillisecond(toInt64({min_age_hours:Float64} * 3600000))
