-- Exceptions opened (first detected) and resolved per week (Monday, UTC), any status, over the
-- weeks from {from} on: the overview's opened-vs-resolved chart.
SELECT
    week,
    sum(opened) AS opened,
    sum(resolved) AS resolved
FROM
(
    SELECT toMonday(first_detected_at) AS week, 1 AS opened, 0 AS resolved
    FROM exception_state
    WHERE first_detected_at >= {from:DateTime64(3, 'UTC')}
    UNION ALL
    SELECT toMonday(assumeNotNull(resolved_at)) AS week, 0 AS opened, 1 AS resolved
    FROM exception_state
    WHERE resolved_at IS NOT NULL AND resolved_at >= {from:DateTime64(3, 'UTC')}
)
GROUP BY week
ORDER BY week
