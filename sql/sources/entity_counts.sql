-- Records per (system, entity) as of a time: each key's winning version, tombstones counted
-- apart. Feeds the Sources page and the ingest tests. One branch per entity of the spec.
SELECT system, entity, records, deleted
FROM
(
-- @each entity
-- @include sources/parts/entity_count.sql
-- @between
    UNION ALL
-- @end
)
ORDER BY system, entity
