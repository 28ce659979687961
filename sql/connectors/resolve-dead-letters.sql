-- Records that waited for a reference's target and have now landed: their earlier dead letters
-- (rejected for the missing reference) count as replayed, by the connector, into the new batch.
INSERT INTO dead_letter_replays (id, replayed_at, actor, ok, batch_uid, raw, reason)
SELECT d.id, {at:DateTime64(6, 'UTC')}, 'connector', true, {batch:String}, d.raw, ''
FROM dead_letters AS d
WHERE d.system = {system:String}
  AND d.entity = {entity:String}
  AND d.key IN {keys:Array(String)}
  AND d.id NOT IN (SELECT id FROM dead_letter_replays WHERE ok)
