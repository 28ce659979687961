-- A claim of one version of the detection lease; run with insert_deduplication_token
-- 'detection-lease-<version>', so only the first claim of a version is kept.
INSERT INTO detection_lease (version, holder, run_id, expires_at)
VALUES ({version:UInt64}, {holder:String}, {run_id:String}, {expires_at:DateTime64(3, 'UTC')})
