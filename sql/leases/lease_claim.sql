-- A claim of one version of a named lease; run with insert_deduplication_token
-- 'lease-<work>-<version>', so only the first claim of a version is kept.
INSERT INTO work_lease (work, version, holder, run_id, expires_at)
VALUES ({work:String}, {version:UInt64}, {holder:String}, {run_id:String}, {expires_at:DateTime64(3, 'UTC')})
