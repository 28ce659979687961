-- Where an export's next slice ends: the key of the n-th version row of side A after `after`
-- (the table is ordered by kind, key, so this reads only up to that row). No row: the rest of
-- the keys fit in one last, open-ended slice.
SELECT key
FROM {table:Identifier}
WHERE kind = {kind:String}
  AND key > {after:String}
ORDER BY key
LIMIT 1 OFFSET {n:UInt64}
