-- Money at risk at past instants, rebuilt from the exceptions: the amounts of those first
-- detected at or before each instant and not resolved by then (the overview's sparkline), in
-- the reporting currency as money_at_risk sums it (kpis/money_at_risk.sql).
SELECT
    at,
    sumIf(ifNull(amount_at_risk_reporting, toDecimal128(0, 8)),
          reporting_currency = {reporting:String} AND first_detected_at <= at AND (resolved_at IS NULL OR resolved_at > at)) AS amount
FROM exception_state
CROSS JOIN (SELECT arrayJoin({ats:Array(DateTime64(3, 'UTC'))}) AS at) AS instants
GROUP BY at
ORDER BY at
