-- time_entry_hours_mismatch (CONTRACT §4): a time entry in PSA and ERP with
-- abs(hours_psa − hours_erp) > 0.01. Amount at risk: abs(diff) × the PSA `bill_rate`, converted at the PSA `work_date`.
SELECT
    psa.key AS entity_key,
    arrayConcat([psa.system], [erp.system]) AS systems,
    abs(psa.hours - erp.hours) * ifNull(psa.bill_rate, toDecimal128(0, 8)) AS amount_at_risk,
    ifNull(psa.currency, {reporting:String}) AS currency,
    -- §5 Currency: 0 stays 0; else converted (null when no rate applies).
    if(amount_at_risk = 0, CAST(0, 'Nullable(Decimal(38, 8))'), CAST(round(amount_at_risk * fx.fx_rate, 8), 'Nullable(Decimal(38, 8))')) AS amount_at_risk_reporting,
    p.practice AS practice,
    p.region AS region,
    psa.hours AS `psa.hours`,
    erp.hours AS `erp.hours`,
    psa.hours - erp.hours AS `diff.hours`,
    psa.bill_rate AS `psa.bill_rate`,
    erp.bill_rate AS `erp.bill_rate`,
    psa.resource_key AS `psa.resource_key`,
    psa.project_key AS `psa.project_key`,
    psa.work_date AS `psa.work_date`,
    erp.work_date AS `erp.work_date`,
    psa.status AS `psa.status`,
    erp.status AS `erp.status`,
    erp.invoice_key AS `erp.invoice_key`
FROM cur_time_entry(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}) AS psa
INNER JOIN cur_time_entry(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS erp ON erp.key = psa.key
LEFT JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = psa.project_key
ASOF LEFT JOIN
-- @include fx/parts/rates.sql
    AS fx ON fx.fx_currency = ifNull(psa.currency, {reporting:String}) AND fx.fx_date <= psa.work_date
WHERE abs(psa.hours - erp.hours) > {tolerance_hours:Decimal(38, 8)}
