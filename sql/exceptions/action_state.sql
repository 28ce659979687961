-- The current state of the exceptions an action names: whether each exists, its rule (for the
-- caller's triage rights), status, owner, amount at risk (kept by a snooze) and snooze.
SELECT id, rule, status, owner, toString(amount_at_risk) AS amount_at_risk,
       if(amount_at_risk_reporting IS NULL, NULL, toString(amount_at_risk_reporting)) AS amount_at_risk_reporting, snoozed_until
FROM
-- @include exceptions/parts/snoozed_state.sql
WHERE id IN {ids:Array(String)}
