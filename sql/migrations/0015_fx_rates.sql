-- Exchange rates (CONTRACT §2 `fx_rate`, §5 Currency): one more entity, stored and versioned like
-- the others (0001) with its current view (as 0003). A later entity than the shipped migrations,
-- which leave it out with `except`.
CREATE TABLE IF NOT EXISTS entity_fx_rate
(
-- @include migrations/parts/entity_key_columns.sql
    currency    LowCardinality(String),
    rate_date   Date,
    rate        Decimal(38, 8),
-- @include migrations/parts/entity_version_columns.sql

-- @each entity only fx_rate
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
-- @end
