-- The latest version of a named lease (none before its first claim).
SELECT toString(l.version) AS version, l.holder AS holder, l.run_id AS run_id, l.expires_at AS expires_at
FROM work_lease AS l
WHERE l.work = {work:String}
ORDER BY l.version DESC
LIMIT 1
