-- The open exceptions a set of routes would send where: every open or acknowledged exception
-- with what routing matches on (rule, severity, practice, region, systems).
SELECT id, rule, severity, practice, region, systems, owner, amount_at_risk
FROM exception_state
WHERE status IN ('open', 'acknowledged')
