-- resource_missing_in_psa (CONTRACT §4): an HR resource `active`, `employment_type` `employee`,
-- `hire_date` empty or before D − 7 days, with no PSA resource of that key. Amount at risk: 0.
WITH toDate({as_of:DateTime64(3, 'UTC')}) AS d
SELECT
    hr.key AS entity_key,
    [hr.system] AS systems,
    toDecimal128(0, 8) AS amount_at_risk,
    ifNull(hr.currency, {reporting:String}) AS currency,
    CAST(toDecimal128(0, 8), 'Nullable(Decimal(38, 8))') AS amount_at_risk_reporting,
    hr.practice AS practice,
    hr.region AS region,
    hr.name AS `hr.name`,
    hr.email AS `hr.email`,
    hr.hire_date AS `hr.hire_date`,
    hr.employment_type AS `hr.employment_type`,
    CAST(NULL, 'Nullable(String)') AS `psa.key`
FROM cur_resource(kind = 'hr', as_of = {as_of:DateTime64(3, 'UTC')}) AS hr
WHERE hr.status = 'active'
  AND hr.employment_type = 'employee'
  AND (hr.hire_date IS NULL OR hr.hire_date < d - toIntervalDay({grace_days:UInt32}))
  AND hr.key NOT IN (SELECT key FROM cur_resource(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}))
