-- The latest version of the detection lease (none before the first run). Sorted by the number:
-- the text alias would put '9' above '10'.
SELECT toString(l.version) AS version, l.holder AS holder, l.run_id AS run_id, l.expires_at AS expires_at
FROM detection_lease AS l
ORDER BY l.version DESC
LIMIT 1
