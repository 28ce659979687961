-- The audit log, newest first, optionally by actor or action; keyset pagination on (at, id).
SELECT toString(id) AS id, at, actor, action, target, outcome, ip, details
FROM audit_log
WHERE ({actor:String} = '' OR actor = {actor:String})
  AND ({action:String} = '' OR action = {action:String})
  AND (NOT {has_cursor:Bool} OR (at, toString(id)) < ({cursor_at:DateTime64(6, 'UTC')}, {cursor_id:String}))
ORDER BY at DESC, id DESC
LIMIT {limit:UInt32}
