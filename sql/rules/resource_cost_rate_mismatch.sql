-- resource_cost_rate_mismatch (CONTRACT §4): a resource in HR and PSA whose `cost_rate` values
-- are both set and differ by more than 0.005. Amount at risk: 0.
SELECT
    hr.key AS entity_key,
    arrayConcat([hr.system], [psa.system]) AS systems,
    toDecimal128(0, 8) AS amount_at_risk,
    ifNull(hr.currency, {reporting:String}) AS currency,
    CAST(toDecimal128(0, 8), 'Nullable(Decimal(38, 8))') AS amount_at_risk_reporting,
    hr.practice AS practice,
    hr.region AS region,
    hr.name AS `hr.name`,
    hr.cost_rate AS `hr.cost_rate`,
    psa.cost_rate AS `psa.cost_rate`,
    hr.cost_rate - psa.cost_rate AS `diff.cost_rate`
FROM cur_resource(kind = 'hr', as_of = {as_of:DateTime64(3, 'UTC')}) AS hr
INNER JOIN cur_resource(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}) AS psa ON psa.key = hr.key
WHERE hr.cost_rate IS NOT NULL
  AND psa.cost_rate IS NOT NULL
  AND abs(hr.cost_rate - psa.cost_rate) > {tolerance:Decimal(38, 8)}
