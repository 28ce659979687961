-- The current state of the exceptions an action names: whether each exists, its rule (for the
-- caller's triage rights), status and owner.
SELECT id, rule, status, owner
FROM exception_state
WHERE id IN {ids:Array(String)}
