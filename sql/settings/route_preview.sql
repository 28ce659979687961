-- The open exceptions a set of routes would send where: every open or acknowledged exception
-- with what routing matches on (rule, severity, practice, region, systems), and its money at risk
-- in the reporting currency (§5; 0 without a rate, or when converted to an earlier reporting
-- currency than the one in force, as the summary counts it).
SELECT id, rule, severity, practice, region, systems, owner,
       if(reporting_currency = {reporting:String}, ifNull(amount_at_risk_reporting, toDecimal128(0, 8)), toDecimal128(0, 8)) AS amount_at_risk
FROM exception_state
WHERE status IN ('open', 'acknowledged')
