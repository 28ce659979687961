-- Removes the rows of batches found uncommitted (uncommitted_rows.sql): a lightweight delete,
-- so the rows disappear at once and their space returns as parts merge.
DELETE FROM {table:Identifier} WHERE batch_uid IN {uids:Array(String)}
