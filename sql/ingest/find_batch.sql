-- A batch already committed under this (system, batch_id, part): a re-sent batch is answered
-- from it instead of being written again (idempotent ingest).
SELECT *
FROM batches
WHERE system = {system:String} AND batch_id = {batch_id:String} AND ifNull(part, 0) = {part:UInt32}
LIMIT 1
