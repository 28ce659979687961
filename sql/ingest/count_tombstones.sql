-- How many tombstones a full snapshot's deletion wrote (they carry line 0 of its batch).
SELECT count() AS n
FROM {table:Identifier}
WHERE batch_uid = {batch_uid:String} AND line = 0 AND deleted
