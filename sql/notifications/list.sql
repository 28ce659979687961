-- Deliveries with their outcome: delivered (an attempt succeeded), failed (attempts exhausted)
-- or pending. Newest first.
SELECT
    toString(n.delivery_id) AS id,
    n.owner AS owner,
    n.event AS event,
    n.channel AS channel,
    n.url AS url,
    n.payload AS payload,
    n.created_at AS created_at,
    ifNull(a.attempts, 0) AS attempts,
    ifNull(a.delivered, false) AS delivered,
    a.last_error AS last_error,
    a.last_at AS last_attempt_at
FROM notifications AS n
LEFT JOIN
(
    SELECT delivery_id, count() AS attempts, max(ok) AS delivered, argMax(error, at) AS last_error, max(at) AS last_at
    FROM notification_attempts
    GROUP BY delivery_id
) AS a ON a.delivery_id = n.delivery_id
WHERE ({only_pending:Bool} = false OR (NOT ifNull(a.delivered, false) AND ifNull(a.attempts, 0) < {max_attempts:UInt16}))
ORDER BY n.created_at DESC
LIMIT {limit:UInt32}
SETTINGS join_use_nulls = 1
