-- Dead letters of batches that never committed (never listed: dead_letters/list.sql reads only
-- committed batches). Events batches are written outside the entity pipeline, which does not
-- know which of them are open: theirs go only after the horizon (server/ingest/uncommitted.ts).
SELECT DISTINCT batch_uid
FROM dead_letters
WHERE received_at < if(entity = 'events', {events_before:DateTime64(6, 'UTC')}, {before:DateTime64(6, 'UTC')})
  AND batch_uid NOT IN (SELECT batch_uid FROM batches)
  AND batch_uid NOT IN {keep:Array(String)}
LIMIT 10000
