-- Batches that wrote rows into an entity table but never committed (a crash, storage failing
-- mid-request, a body cut off): their rows are invisible and only take space. `before` and
-- `keep` spare every batch that may still commit (server/ingest/uncommitted.ts says why).
SELECT DISTINCT batch_uid
FROM {table:Identifier}
WHERE received_at < {before:DateTime64(6, 'UTC')}
  AND batch_uid NOT IN (SELECT batch_uid FROM batches)
  AND batch_uid NOT IN {keep:Array(String)}
LIMIT 10000
