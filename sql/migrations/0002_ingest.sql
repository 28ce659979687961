-- Ingest bookkeeping (CONTRACT §3).

-- One row per committed batch. A batch's entity rows become visible only when its row lands
-- here, so a request that fails half-way (413 mid-stream, storage down) leaves nothing visible.
-- Also the idempotency log: a (system, batch_id) found here is a duplicate.
CREATE TABLE IF NOT EXISTS batches
(
    batch_uid    String,
    system       LowCardinality(String),
    entity       LowCardinality(String),
    batch_id     String,
    mode         LowCardinality(String),
    snapshot_id  Nullable(String),
    part         Nullable(UInt32),
    last_part    Bool,
    observed_at  DateTime64(3, 'UTC'),
    received_at  DateTime64(6, 'UTC'),
    accepted     UInt64,
    rejected     UInt64,
    deleted      UInt64 COMMENT 'tombstones written by a full snapshot',
    source       LowCardinality(String) COMMENT 'api, replay or demo'
)
ENGINE = MergeTree
ORDER BY (system, batch_id)
SETTINGS fsync_after_insert = 1, fsync_part_directory = 1;

-- Rejected lines, kept with their raw text so they can be fixed and replayed.
CREATE TABLE IF NOT EXISTS dead_letters
(
    id           UUID,
    system       LowCardinality(String),
    entity       LowCardinality(String),
    batch_id     String,
    batch_uid    String,
    line         UInt64,
    key          Nullable(String) COMMENT 'when readable: a rejected line still counts as present in a full snapshot',
    raw          String,
    reason       String,
    errors       String COMMENT 'JSON array of {field, message}',
    observed_at  DateTime64(3, 'UTC'),
    received_at  DateTime64(6, 'UTC')
)
ENGINE = MergeTree
ORDER BY (system, entity, received_at, id)
SETTINGS fsync_after_insert = 1, fsync_part_directory = 1;

-- Append-only outcomes of replays; a dead letter is resolved once it has a successful replay.
CREATE TABLE IF NOT EXISTS dead_letter_replays
(
    id           UUID,
    replayed_at  DateTime64(6, 'UTC'),
    actor        String,
    ok           Bool,
    batch_uid    String,
    raw          String,
    reason       String
)
ENGINE = MergeTree
ORDER BY (id, replayed_at);
