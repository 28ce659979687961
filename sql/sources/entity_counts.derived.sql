-- entity_counts.sql with time entries counted from now_time_entry (server/derived/): the same
-- answer as of now, without deciding every version's winner again.
SELECT system, entity, records, deleted
FROM
(
    SELECT system, 'account' AS entity, countIf(NOT is_deleted) AS records, countIf(is_deleted) AS deleted
    FROM (
        SELECT system, key, argMax(deleted, ver) AS is_deleted
        FROM entity_account
        WHERE observed_at <= {as_of:DateTime64(3, 'UTC')} AND batch_uid IN (SELECT batch_uid FROM batches)
        GROUP BY system, key
    )
    GROUP BY system
    UNION ALL
    SELECT system, 'opportunity' AS entity, countIf(NOT is_deleted) AS records, countIf(is_deleted) AS deleted
    FROM (
        SELECT system, key, argMax(deleted, ver) AS is_deleted
        FROM entity_opportunity
        WHERE observed_at <= {as_of:DateTime64(3, 'UTC')} AND batch_uid IN (SELECT batch_uid FROM batches)
        GROUP BY system, key
    )
    GROUP BY system
    UNION ALL
    SELECT system, 'project' AS entity, countIf(NOT is_deleted) AS records, countIf(is_deleted) AS deleted
    FROM (
        SELECT system, key, argMax(deleted, ver) AS is_deleted
        FROM entity_project
        WHERE observed_at <= {as_of:DateTime64(3, 'UTC')} AND batch_uid IN (SELECT batch_uid FROM batches)
        GROUP BY system, key
    )
    GROUP BY system
    UNION ALL
    SELECT system, 'resource' AS entity, countIf(NOT is_deleted) AS records, countIf(is_deleted) AS deleted
    FROM (
        SELECT system, key, argMax(deleted, ver) AS is_deleted
        FROM entity_resource
        WHERE observed_at <= {as_of:DateTime64(3, 'UTC')} AND batch_uid IN (SELECT batch_uid FROM batches)
        GROUP BY system, key
    )
    GROUP BY system
    UNION ALL
    SELECT system, 'assignment' AS entity, countIf(NOT is_deleted) AS records, countIf(is_deleted) AS deleted
    FROM (
        SELECT system, key, argMax(deleted, ver) AS is_deleted
        FROM entity_assignment
        WHERE observed_at <= {as_of:DateTime64(3, 'UTC')} AND batch_uid IN (SELECT batch_uid FROM batches)
        GROUP BY system, key
    )
    GROUP BY system
    UNION ALL
    SELECT system, 'rate_card' AS entity, countIf(NOT is_deleted) AS records, countIf(is_deleted) AS deleted
    FROM (
        SELECT system, key, argMax(deleted, ver) AS is_deleted
        FROM entity_rate_card
        WHERE observed_at <= {as_of:DateTime64(3, 'UTC')} AND batch_uid IN (SELECT batch_uid FROM batches)
        GROUP BY system, key
    )
    GROUP BY system
    UNION ALL
    SELECT system, 'time_entry' AS entity, countIf(NOT is_deleted) AS records, countIf(is_deleted) AS deleted
    FROM (SELECT system, deleted AS is_deleted FROM now_time_entry FINAL)
    GROUP BY system
    UNION ALL
    SELECT system, 'expense' AS entity, countIf(NOT is_deleted) AS records, countIf(is_deleted) AS deleted
    FROM (
        SELECT system, key, argMax(deleted, ver) AS is_deleted
        FROM entity_expense
        WHERE observed_at <= {as_of:DateTime64(3, 'UTC')} AND batch_uid IN (SELECT batch_uid FROM batches)
        GROUP BY system, key
    )
    GROUP BY system
    UNION ALL
    SELECT system, 'invoice' AS entity, countIf(NOT is_deleted) AS records, countIf(is_deleted) AS deleted
    FROM (
        SELECT system, key, argMax(deleted, ver) AS is_deleted
        FROM entity_invoice
        WHERE observed_at <= {as_of:DateTime64(3, 'UTC')} AND batch_uid IN (SELECT batch_uid FROM batches)
        GROUP BY system, key
    )
    GROUP BY system
)
ORDER BY system, entity
