-- Bytes on disk of each part of Crosswalk's data (health): the active parts of every table of
-- this database, by group. Derived tables count with the entities they are derived from.
SELECT
    multiIf(
        startsWith(table, 'entity_') OR table IN ('batches', 'now_time_entry', 'now_time_issue', 'fact_time_entry', 'fact_time_pair')
            OR startsWith(table, 'derived_'), 'entities',
        table = 'otel_traces', 'spans',
        startsWith(table, 'exception_') OR table = 'detection_runs', 'exceptions',
        startsWith(table, 'dead_letter'), 'dead_letters',
        startsWith(table, 'notification'), 'notifications',
        table = 'audit_log', 'audit',
        'other') AS part,
    toUInt64(sum(bytes_on_disk)) AS bytes,
    toUInt64(sum(rows)) AS rows
FROM system.parts
WHERE database = currentDatabase() AND active
GROUP BY part
ORDER BY part
