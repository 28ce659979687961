-- The run before this one: an exception resolved by hand that the previous run still reproduced
-- has not cleared, so it stays resolved instead of reopening.
SELECT run_id FROM detection_runs ORDER BY finished_at DESC LIMIT 1
