-- One pull per source at a time across every Crosswalk server on one engine (server/db/lease.ts,
-- as detection_lease in 0014): the versions of each source's lease. A server takes version N+1 of
-- a source's lease with insert_deduplication_token 'connector-lease-<system>-<N+1>'; a run left
-- `running` is marked failed only by a server that can take its source's lease (its holder's
-- lease expired), never while another live server still pulls.
CREATE TABLE IF NOT EXISTS connector_lease
(
    system     LowCardinality(String),
    version    UInt64,
    holder     String,
    run_id     String COMMENT 'the run it guards; empty once released',
    expires_at DateTime64(3, 'UTC'),
    at         DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = MergeTree
ORDER BY (system, version)
SETTINGS non_replicated_deduplication_window = 1000;
