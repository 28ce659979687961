-- entity_counts.sql with time entries counted from now_time_entry (server/derived/): the same
-- answer as of now, without deciding every version's winner again.
SELECT system, entity, records, deleted
FROM
(
-- @each entity except time_entry
-- @include sources/parts/entity_count.sql
-- @between
    UNION ALL
-- @end
    UNION ALL
    SELECT system, 'time_entry' AS entity, countIf(NOT is_deleted) AS records, countIf(is_deleted) AS deleted
    FROM (SELECT system, deleted AS is_deleted FROM now_time_entry FINAL)
    GROUP BY system
)
ORDER BY system, entity
