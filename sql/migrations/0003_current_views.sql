-- Current version of every entity as of a time: cur_<entity>(kind, as_of).
--
-- CONTRACT §2 "which record wins": per (system, key) the version observed last wins, ties broken
-- by the later updated_at (a missing one losing), then by arrival (received_at, line): the
-- order `ver` encodes. Only versions observed at or before as_of, and only rows of committed
-- batches, are visible. A tombstone that wins removes the key from that system. Across several
-- sources of one kind, the surviving record observed last is the kind's record.
--
-- Shape of the query, for speed on millions of rows: find each key's winning `ver` with narrow
-- aggregates (in table order: the table is sorted by kind, key, system), then read the full
-- rows of just those versions.

-- @note One view per entity of server/model/spec.ts, its columns the entity's own fields in spec
-- @note order. This text is shipped: its expansion must stay byte-identical (test/sql-templates
-- @note .test.ts pins its checksum), so a later entity or field is left out here with `except`.
-- @each entity except fx_rate
CREATE VIEW IF NOT EXISTS cur_{{entity}} AS
WITH
    per_system AS
    (
        SELECT key, system, max(ver) AS v, argMax(deleted, ver) AS is_deleted
        FROM entity_{{entity}}
        WHERE kind = {kind:String}
          AND observed_at <= {as_of:DateTime64(3, 'UTC')}
          AND batch_uid IN (SELECT batch_uid FROM batches)
        GROUP BY key, system
    ),
-- @include migrations/parts/current_view_columns.sql
  AND (key, ver) IN (SELECT key, v FROM winners)
SETTINGS optimize_aggregation_in_order = 1;
-- @between

-- @end
