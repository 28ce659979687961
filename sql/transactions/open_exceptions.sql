-- Open and acknowledged exceptions of a transaction's entity (an empty type: any entity type).
SELECT id, rule, entity_type, entity_key, status, severity, owner, toString(amount_at_risk) AS amount_at_risk
FROM exception_state
WHERE entity_key = {key:String}
  AND status != 'resolved'
  AND ({type:String} = '' OR entity_type = {type:String})
ORDER BY rule
