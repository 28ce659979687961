-- Money at risk at past instants, rebuilt from the exceptions: the amounts of those first
-- detected at or before each instant and not resolved by then (the overview's sparkline).
SELECT
    at,
    sumIf(amount_at_risk, first_detected_at <= at AND (resolved_at IS NULL OR resolved_at > at)) AS amount
FROM exception_state
CROSS JOIN (SELECT arrayJoin({ats:Array(DateTime64(3, 'UTC'))}) AS at) AS instants
GROUP BY at
ORDER BY at
