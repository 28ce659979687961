-- The latest version of a source's pull lease (none before its first pull).
SELECT toString(l.version) AS version, l.holder AS holder, l.run_id AS run_id, l.expires_at AS expires_at
FROM connector_lease AS l
WHERE l.system = {system:String}
ORDER BY l.version DESC
LIMIT 1
