-- One session by the digest of its id: the newest row wins.
SELECT
    id_sha256,
    argMax(user_id, version) AS user_id,
    min(created_at) AS created_at,
    max(last_seen_at) AS last_seen_at,
    argMax(revoked, version) AS revoked
FROM sessions
WHERE id_sha256 = {sha:String}
GROUP BY id_sha256
