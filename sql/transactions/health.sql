-- Workflow health: transactions, failures, failure rate and p50/p95 duration, by workflow, by
-- day, or by both, over transactions started in [from, to].
SELECT
    if({by:String} IN ('workflow', 'workflow_day'), workflow, '') AS workflow,
    if({by:String} IN ('day', 'workflow_day'), toString(toDate(started_at)), '') AS day,
    count() AS transactions,
    countIf(failed) AS failures,
    countIf(failed) / count() AS failure_rate,
    quantileExact(0.5)(dateDiff('millisecond', started_at, ended_at)) AS p50_ms,
    quantileExact(0.95)(dateDiff('millisecond', started_at, ended_at)) AS p95_ms
FROM transactions
WHERE started_at >= {from:DateTime64(3, 'UTC')} AND started_at <= {to:DateTime64(3, 'UTC')}
GROUP BY workflow, day
ORDER BY workflow, day
