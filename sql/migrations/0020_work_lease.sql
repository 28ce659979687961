-- One holder at a time of a named piece of work across every Crosswalk server on one engine
-- (server/db/lease.ts, as detection_lease in 0014): 'pull:<system>' (one pull per source),
-- 'digests' (one digest pass). A server takes version N+1 of a lease with
-- insert_deduplication_token 'lease-<work>-<N+1>'; a pull left `running` is marked failed only by
-- a server that can take its source's lease (its holder's lease expired).
CREATE TABLE IF NOT EXISTS work_lease
(
    work       LowCardinality(String),
    version    UInt64,
    holder     String,
    run_id     String COMMENT 'the run it guards; empty once released',
    expires_at DateTime64(3, 'UTC'),
    at         DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = MergeTree
ORDER BY (work, version)
SETTINGS non_replicated_deduplication_window = 1000;
