-- Runs still marked running: at start these were cut short by a crash or a stop.
SELECT toString(run_id) AS run_id, system, mode, trigger, started_at, pages, records, rejected, cursor
FROM connector_runs FINAL
WHERE status = 'running'
