-- Month close: open (or acknowledged) exceptions of the finance rules, per rule, with the money
-- at risk and how many are past due at {now} (the server's clock).
SELECT rule, count() AS n, sum(amount_at_risk) AS amount, countIf(due_at < {now:DateTime64(3, 'UTC')}) AS overdue
FROM exception_state
WHERE status IN ('open', 'acknowledged') AND rule IN {rules:Array(String)}
GROUP BY rule
ORDER BY amount DESC
