-- A claim of one version of a source's pull lease; run with insert_deduplication_token
-- 'connector-lease-<system>-<version>', so only the first claim of a version is kept.
INSERT INTO connector_lease (system, version, holder, run_id, expires_at)
VALUES ({system:String}, {version:UInt64}, {holder:String}, {run_id:String}, {expires_at:DateTime64(3, 'UTC')})
