-- The parts of a full snapshot committed so far, to tell whether the snapshot is complete.
SELECT batch_uid, part, last_part, observed_at
FROM batches
WHERE system = {system:String}
  AND entity = {entity:String}
  AND snapshot_id = {snapshot:String}
  AND mode = 'full'
