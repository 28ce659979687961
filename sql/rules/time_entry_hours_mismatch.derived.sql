-- time_entry_hours_mismatch, from the derived candidates (server/derived/): the same answer as
-- time_entry_hours_mismatch.sql as of now. now_time_issue holds every time entry whose PSA and
-- ERP hours differ at all; the tolerance is applied here.
SELECT
    t.key AS entity_key,
    arrayConcat([t.p_system], [t.e_system]) AS systems,
    abs(t.p_hours - t.e_hours) * ifNull(t.p_bill_rate, toDecimal128(0, 8)) AS amount_at_risk,
    ifNull(t.p_currency, {reporting:String}) AS currency,
    -- §5 Currency: 0 stays 0; else converted (null when no rate applies).
    if(amount_at_risk = 0, CAST(0, 'Nullable(Decimal(38, 8))'), CAST(round(amount_at_risk * fx.fx_rate, 8), 'Nullable(Decimal(38, 8))')) AS amount_at_risk_reporting,
    p.practice AS practice,
    p.region AS region,
    t.p_hours AS `psa.hours`,
    t.e_hours AS `erp.hours`,
    t.p_hours - t.e_hours AS `diff.hours`,
    t.p_bill_rate AS `psa.bill_rate`,
    t.e_bill_rate AS `erp.bill_rate`,
    t.p_resource_key AS `psa.resource_key`,
    t.p_project_key AS `psa.project_key`,
    t.p_work_date AS `psa.work_date`,
    t.e_work_date AS `erp.work_date`,
    t.p_status AS `psa.status`,
    t.e_status AS `erp.status`,
    t.e_invoice_key AS `erp.invoice_key`
FROM now_time_issue AS t FINAL
LEFT JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = t.p_project_key
ASOF LEFT JOIN
-- @include fx/parts/rates.sql
    AS fx ON fx.fx_currency = ifNull(t.p_currency, {reporting:String}) AND fx.fx_date <= t.p_work_date
WHERE t.has_e
  AND abs(t.p_hours - t.e_hours) > {tolerance_hours:Decimal(38, 8)}
