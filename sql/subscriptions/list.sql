-- Current subscriptions (the newest row of each id; deleted ones left out), oldest first;
-- one person's, or everyone's with an empty user_id.
SELECT *
FROM
(
    SELECT
        id,
        argMax(user_id, version) AS user_id,
        argMax(name, version) AS name,
        argMax(query, version) AS query,
        argMax(channel, version) AS channel,
        argMax(target, version) AS target,
        argMax(frequency, version) AS frequency,
        argMax(local_time, version) AS local_time,
        argMax(time_zone, version) AS time_zone,
        argMax(weekday, version) AS weekday,
        min(created_at) AS created_at,
        argMax(deleted, version) AS deleted
    FROM subscriptions
    WHERE {id:String} = '' OR id = {id:String}
    GROUP BY id
)
WHERE NOT deleted
  AND ({user_id:String} = '' OR user_id = {user_id:String})
ORDER BY created_at, id
LIMIT 10000
