-- What the detection engine needs to know of every exception before a run: its status, the
-- latest run that reproduced it and the hash of its stored content.
SELECT
    s.id AS id,
    s.status AS status,
    seen.run_id AS last_run,
    h.content_hash AS content_hash
FROM exception_state AS s
LEFT JOIN
(
    SELECT exception_id, argMax(run_id, run_at) AS run_id FROM exception_seen GROUP BY exception_id
) AS seen ON seen.exception_id = s.id
LEFT JOIN
(
    SELECT exception_id, argMax(content_hash, run_at) AS content_hash FROM exception_detections GROUP BY exception_id
) AS h ON h.exception_id = s.id
