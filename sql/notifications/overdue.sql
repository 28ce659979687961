-- Open or acknowledged exceptions past their due date that no overdue notification has covered.
SELECT id, rule, entity_type, entity_key, owner, severity, amount_at_risk, currency, due_at
FROM exception_state
WHERE status IN ('open', 'acknowledged')
  AND due_at IS NOT NULL
  AND due_at < {now:DateTime64(3, 'UTC')}
  AND id NOT IN (SELECT exception_id FROM notification_items WHERE event = 'overdue')
LIMIT 100000
