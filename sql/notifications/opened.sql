-- The exceptions a detection run opened or reopened, as their notification lists them.
SELECT id, rule, entity_type, entity_key, owner, severity, amount_at_risk, currency, due_at
FROM exception_state
WHERE id IN {ids:Array(String)}
