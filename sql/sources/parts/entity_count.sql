-- One entity's branch of entity_counts: per system, its keys whose winning version as of a time
-- is a record, and those whose is a tombstone. Included inside `@each entity`.
    SELECT system, '{{entity}}' AS entity, countIf(NOT is_deleted) AS records, countIf(is_deleted) AS deleted
    FROM (
        SELECT system, key, argMax(deleted, ver) AS is_deleted
        FROM entity_{{entity}}
        WHERE observed_at <= {as_of:DateTime64(3, 'UTC')} AND batch_uid IN (SELECT batch_uid FROM batches)
        GROUP BY system, key
    )
    GROUP BY system
