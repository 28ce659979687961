-- assignment_terminated_resource (CONTRACT §4): a PSA assignment `active` whose resource is
-- `terminated` in HR with `termination_date` before D, and the assignment's `end_date` is empty
-- or after `termination_date`. Amount at risk: 0.
WITH toDate({as_of:DateTime64(3, 'UTC')}) AS d
SELECT
    a.key AS entity_key,
    arrayConcat([a.system], [r.system]) AS systems,
    toDecimal128(0, 8) AS amount_at_risk,
    ifNull(a.currency, {reporting:String}) AS currency,
    CAST(toDecimal128(0, 8), 'Nullable(Decimal(38, 8))') AS amount_at_risk_reporting,
    ifNull(p.practice, r.practice) AS practice,
    ifNull(p.region, r.region) AS region,
    a.project_key AS `psa.project_key`,
    a.resource_key AS `psa.resource_key`,
    a.status AS `psa.status`,
    a.start_date AS `psa.start_date`,
    a.end_date AS `psa.end_date`,
    r.name AS `hr.name`,
    r.status AS `hr.status`,
    r.termination_date AS `hr.termination_date`
FROM cur_assignment(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}) AS a
INNER JOIN cur_resource(kind = 'hr', as_of = {as_of:DateTime64(3, 'UTC')}) AS r ON r.key = a.resource_key
LEFT JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = a.project_key
WHERE a.status = 'active'
  AND r.status = 'terminated'
  AND r.termination_date IS NOT NULL
  AND r.termination_date < d
  AND (a.end_date IS NULL OR a.end_date > r.termination_date)
