-- Rows and bytes of each table of this database: the backup's manifest, the restore's check.
-- Only a plain MergeTree keeps its row count through merges (Replacing collapses versions).
SELECT name, engine, toUInt64(ifNull(total_rows, 0)) AS rows, toUInt64(ifNull(total_bytes, 0)) AS bytes
FROM system.tables
WHERE database = currentDatabase() AND engine LIKE '%MergeTree'
ORDER BY name
