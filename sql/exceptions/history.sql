-- The timeline of one exception: every event, oldest first.
SELECT toString(event_id) AS id, at, type, actor, note, owner, run_id, detected_at, due_at, snoozed_until
FROM exception_events
WHERE exception_id = {id:String}
ORDER BY at, event_id
