-- Month close: open (or acknowledged) exceptions of the finance rules, per rule, with the money
-- at risk in the reporting currency and how many are past due at {now} (the server's clock).
-- An amount with no rate, or converted to another currency before the setting changed, is left
-- out of the sum until detection converts it (CONTRACT §5 Currency); the count keeps it.
SELECT rule, count() AS n,
       sumIf(assumeNotNull(amount_at_risk_reporting), amount_at_risk_reporting IS NOT NULL AND reporting_currency = {reporting:String}) AS amount,
       countIf(due_at < {now:DateTime64(3, 'UTC')}) AS overdue
FROM exception_state
WHERE status IN ('open', 'acknowledged') AND rule IN {rules:Array(String)}
GROUP BY rule
ORDER BY amount DESC
