-- Current state of every API token (the newest row of each id) with its last use.
SELECT
    t.id AS id,
    t.kind AS kind,
    t.system AS system,
    t.user_id AS user_id,
    t.name AS name,
    t.token_sha256 AS token_sha256,
    t.created_at AS created_at,
    t.expires_at AS expires_at,
    t.revoked_at AS revoked_at,
    u.last_used_at AS last_used_at
FROM
(
    SELECT
        id,
        argMax(kind, version) AS kind,
        argMax(system, version) AS system,
        argMax(user_id, version) AS user_id,
        argMax(name, version) AS name,
        argMax(token_sha256, version) AS token_sha256,
        min(created_at) AS created_at,
        argMax(expires_at, version) AS expires_at,
        argMax(revoked_at, version) AS revoked_at
    FROM api_tokens
    GROUP BY id
) AS t
LEFT JOIN (SELECT token_id, max(used_at) AS last_used_at FROM token_usage GROUP BY token_id) AS u ON u.token_id = t.id
WHERE ({id:String} = '' OR t.id = {id:String})
  AND ({sha:String} = '' OR t.token_sha256 = {sha:String})
ORDER BY t.created_at DESC
SETTINGS join_use_nulls = 1
