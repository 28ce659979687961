-- A source's connector runs, newest first (CONTRACT §8 GET /sources/{system}/runs); the newest
-- row of each run wins (a run is written when it starts and again when it ends).
SELECT
    toString(run_id) AS run_id,
    mode,
    trigger,
    status,
    started_at,
    ended_at,
    pages,
    records,
    rejected,
    cursor,
    error
FROM connector_runs FINAL
WHERE system = {system:String}
  AND ({run_id:String} = '' OR toString(run_id) = {run_id:String})
ORDER BY started_at DESC, run_id DESC
LIMIT {limit:UInt32}
