-- assignment_on_closed_project (CONTRACT §4): a PSA assignment `active` whose project is
-- `closed` in ERP. Amount at risk: 0.
SELECT
    a.key AS entity_key,
    arrayConcat([a.system], [p.system]) AS systems,
    toDecimal128(0, 8) AS amount_at_risk,
    ifNull(a.currency, {reporting:String}) AS currency,
    CAST(toDecimal128(0, 8), 'Nullable(Decimal(38, 8))') AS amount_at_risk_reporting,
    p.practice AS practice,
    p.region AS region,
    a.project_key AS `psa.project_key`,
    a.resource_key AS `psa.resource_key`,
    a.status AS `psa.status`,
    a.end_date AS `psa.end_date`,
    p.status AS `erp.project_status`,
    p.end_date AS `erp.project_end_date`
FROM cur_assignment(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}) AS a
INNER JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = a.project_key
WHERE a.status = 'active'
  AND p.status = 'closed'
