-- Per source and mode, when its last run started and how it ended (for the schedule).
SELECT system, mode, max(r.started_at) AS last_started_at, argMax(r.status, r.started_at) AS status
FROM connector_runs AS r FINAL
GROUP BY system, mode
