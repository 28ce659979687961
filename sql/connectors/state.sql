-- The saved cursor of each entity of a source: the newest row wins (FINAL: on a tie of saved_at,
-- as when two pages save within one tick of the clock, the row written last).
SELECT entity, state
FROM connector_state FINAL
WHERE system = {system:String}
