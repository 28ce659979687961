-- Dead letters of committed batches, newest first, with their replay state.
-- Filters are optional: an empty string matches everything.
SELECT
    d.id AS id,
    d.system AS system,
    d.entity AS entity,
    d.batch_id AS batch,
    d.line AS line,
    d.key AS key,
    d.raw AS raw,
    d.reason AS reason,
    d.errors AS errors,
    d.observed_at AS observed_at,
    d.received_at AS received_at,
    r.last_ok AS replayed,
    r.last_at AS last_replay_at,
    r.last_reason AS last_replay_error
FROM dead_letters AS d
LEFT JOIN
(
    SELECT id, max(ok) AS last_ok, max(replayed_at) AS last_at, argMax(reason, replayed_at) AS last_reason
    FROM dead_letter_replays
    GROUP BY id
) AS r ON r.id = d.id
WHERE d.batch_uid IN (SELECT batch_uid FROM batches)
  AND ({system:String} = '' OR d.system = {system:String})
  AND ({entity:String} = '' OR d.entity = {entity:String})
  AND ({batch:String} = '' OR d.batch_id = {batch:String})
  AND (length({ids:Array(UUID)}) = 0 OR d.id IN {ids:Array(UUID)})
  AND ({status:String} = 'all' OR ({status:String} = 'replayed') = (ifNull(r.last_ok, false)))
  AND (NOT {has_cursor:Bool} OR (d.received_at, toString(d.id)) < ({cursor_at:DateTime64(6, 'UTC')}, {cursor_id:String}))
ORDER BY d.received_at DESC, toString(d.id) DESC
LIMIT {limit:UInt32}
