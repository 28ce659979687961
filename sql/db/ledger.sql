-- The schema_migrations ledger (server/db/migrate.ts): which migrations ran, with the checksum
-- of the text each ran, so a shipped migration edited later is noticed. Created before any.
CREATE TABLE IF NOT EXISTS schema_migrations
(
    version    UInt32,
    name       String,
    checksum   String,
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY version
