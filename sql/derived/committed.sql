-- Every committed batch of an entity, with the earliest observed_at among its rows: a complete
-- full snapshot's deletions are dated to its first part.
SELECT
    b.batch_uid AS batch_uid,
    b.observed_at AS observed_at,
    b.received_at AS received_at,
    b.accepted + b.deleted AS rows,
    if(s.first_observed IS NOT NULL AND b.last_part, least(b.observed_at, assumeNotNull(s.first_observed)), b.observed_at) AS min_observed
FROM batches AS b
LEFT JOIN
(
    SELECT system, assumeNotNull(snapshot_id) AS snapshot_id, min(observed_at) AS first_observed
    FROM batches
    WHERE entity = {entity:String} AND mode = 'full' AND snapshot_id IS NOT NULL
    GROUP BY system, snapshot_id
) AS s ON s.system = b.system AND s.snapshot_id = b.snapshot_id
WHERE b.entity = {entity:String}
SETTINGS join_use_nulls = 1
