-- The events a triage request (its idempotency key, by the same actor, since a time) already
-- wrote: a resent request answers from these and writes nothing.
SELECT exception_id, type
FROM exception_events
WHERE request_id = {request_id:String} AND request_id != '' AND actor = {actor:String} AND at >= {since:DateTime64(6, 'UTC')}
ORDER BY at, event_id
