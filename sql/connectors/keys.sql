-- The canonical key of each native id a connector has read for one entity of a source (the newest
-- row wins; FINAL: on a tie of saved_at, the row written last).
SELECT native_id, key
FROM connector_keys FINAL
WHERE system = {system:String} AND entity = {entity:String}
