-- Connector pulls (CONTRACT §8). Each run is one row per state change (running, then ok or
-- failed), the newest per run_id winning, so a crash leaves a visible `running` row that the next
-- start marks failed. Cursors per (source, entity) are saved only after the batch holding their
-- page has committed; the newest row wins.
CREATE TABLE IF NOT EXISTS connector_runs
(
    run_id     UUID,
    system     LowCardinality(String),
    mode       LowCardinality(String) COMMENT 'incremental or full',
    trigger    LowCardinality(String) COMMENT 'schedule, api, cli or start',
    status     LowCardinality(String) COMMENT 'running, ok or failed',
    started_at DateTime64(6, 'UTC'),
    ended_at   Nullable(DateTime64(6, 'UTC')),
    pages      UInt64,
    records    UInt64,
    rejected   UInt64,
    cursor     String COMMENT 'JSON: the saved cursor per entity at the end of the run',
    error      String,
    updated_at DateTime64(6, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (system, started_at, run_id);

CREATE TABLE IF NOT EXISTS connector_state
(
    system   LowCardinality(String),
    entity   LowCardinality(String),
    state    String COMMENT 'JSON: {kind, value, window_end?, api_version?}',
    run_id   UUID,
    saved_at DateTime64(6, 'UTC')
)
ENGINE = ReplacingMergeTree(saved_at)
ORDER BY (system, entity);

-- Native id → canonical key of every record a connector read (lookup-only entities included):
-- references by native id ({ref: ENTITY}) and deletion feeds resolve through it.
CREATE TABLE IF NOT EXISTS connector_keys
(
    system    LowCardinality(String),
    entity    LowCardinality(String),
    native_id String,
    key       String,
    saved_at  DateTime64(6, 'UTC')
)
ENGINE = ReplacingMergeTree(saved_at)
ORDER BY (system, entity, native_id);

-- Records sent with a reference whose target was not known yet (it counts as missing until then):
-- re-sent, resolved, after a later pull brings the target. The newest row per record wins.
CREATE TABLE IF NOT EXISTS connector_pending
(
    system    LowCardinality(String),
    entity    LowCardinality(String),
    native_id String,
    native    String COMMENT 'JSON: the record as the API returned it',
    resolved  Bool,
    saved_at  DateTime64(6, 'UTC')
)
ENGINE = ReplacingMergeTree(saved_at)
ORDER BY (system, entity, native_id);
