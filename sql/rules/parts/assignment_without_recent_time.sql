-- The shared body of assignment_without_recent_time.sql (history) and assignment_without_recent_time.derived.sql (derived facts):
-- the active assignments with no recent time, given `d` (the day of as_of) and a `recent` CTE
-- (the (resource_key, project_key) pairs with PSA time in the window).
SELECT
    a.key AS entity_key,
    [a.system] AS systems,
    toDecimal128(0, 8) AS amount_at_risk,
    ifNull(a.currency, {reporting:String}) AS currency,
    CAST(toDecimal128(0, 8), 'Nullable(Decimal(38, 8))') AS amount_at_risk_reporting,
    p.practice AS practice,
    p.region AS region,
    a.project_key AS `psa.project_key`,
    a.resource_key AS `psa.resource_key`,
    a.start_date AS `psa.start_date`,
    a.end_date AS `psa.end_date`,
    a.planned_hours AS `psa.planned_hours`,
    d - toIntervalDay({window_days:UInt32} - 1) AS `psa.window_from`
FROM cur_assignment(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}) AS a
LEFT JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = a.project_key
WHERE a.status = 'active'
  AND a.start_date <= d - toIntervalDay({window_days:UInt32})
  AND (a.end_date IS NULL OR a.end_date >= d)
  AND (a.resource_key, a.project_key) NOT IN (SELECT resource_key, project_key FROM recent)
