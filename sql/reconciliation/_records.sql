-- Record-level list of one comparison (the comparison's own file is inlined where the FROM
-- names it; never anything a caller sends). Keyset pagination on the
-- record key.
SELECT *
FROM ({{comparison}})
WHERE (period IS NULL OR (period >= {from:Date} AND period <= {to:Date}))
  AND (empty({status:Array(String)}) OR status IN {status:Array(String)})
  AND ({practice:String} = '' OR practice = {practice:String})
  AND ({project:String} = '' OR project_key = {project:String})
  AND ({q:String} = '' OR positionCaseInsensitiveUTF8(record_key, {q:String}) > 0)
  AND ({after:String} = '' OR record_key > {after:String})
ORDER BY record_key
LIMIT {limit:UInt64}
