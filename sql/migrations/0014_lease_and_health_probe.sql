-- Detection runs one at a time, also across several Crosswalk servers on one ClickHouse
-- (server/exceptions/lease.ts). Each row is one version of the lease. A server takes version N+1
-- by inserting it with insert_deduplication_token 'detection-lease-<N+1>': the engine keeps the
-- first insert of a token and drops the later ones, so exactly one claimant gets each version
-- (a compare-and-set without transactions). The holder renews by taking the next version; an
-- expired lease may be taken by anyone, and its run_id, when that run never finished, is undone.
-- On a sharded cluster every server must reach this table on the same shard.
CREATE TABLE IF NOT EXISTS detection_lease
(
    version    UInt64,
    holder     String,
    run_id     String COMMENT 'the run it guards; empty once released',
    expires_at DateTime64(3, 'UTC'),
    at         DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = MergeTree
ORDER BY version
SETTINGS non_replicated_deduplication_window = 1000;

-- Health's write probe (server/routes/health-probe.ts): a tiny insert now and then, so health
-- says so when no write can succeed (a full disk, a read-only data dir). One row per server.
CREATE TABLE IF NOT EXISTS health_probe
(
    server String,
    at     DateTime64(6, 'UTC')
)
ENGINE = ReplacingMergeTree(at)
ORDER BY server;
