-- CONTRACT §3, mode=full: "records of that (system, entity) whose key is not in it and whose
-- winning version is older than its observed_at are deleted as of observed_at. A rejected line
-- whose key can be read still counts as present."
-- Tombstones carry line = 0 (real records start at line 1) and the committing batch's uid, so
-- they become visible atomically with the snapshot's last part.
INSERT INTO {table:Identifier} (system, kind, key, deleted, extra, observed_at, received_at, line, batch_uid)
SELECT
    {system:String},
    {kind:String},
    key,
    true,
    '',
    {observed_at:DateTime64(3, 'UTC')},
    {received_at:DateTime64(6, 'UTC')},
    0,
    {batch_uid:String}
FROM
(
    SELECT
        key,
        argMax(deleted, ver) AS is_deleted,
        max(observed_at) AS last_observed
    FROM {table:Identifier}
    WHERE system = {system:String}
      AND batch_uid IN (SELECT batch_uid FROM batches)
    GROUP BY key
)
WHERE NOT is_deleted
  AND last_observed < {observed_at:DateTime64(3, 'UTC')}
  AND key NOT IN (
      SELECT key FROM {table:Identifier}
      WHERE system = {system:String} AND batch_uid IN {snapshot_uids:Array(String)}
  )
  AND key NOT IN (
      SELECT assumeNotNull(key) FROM dead_letters
      WHERE batch_uid IN {snapshot_uids:Array(String)} AND key IS NOT NULL
  )
