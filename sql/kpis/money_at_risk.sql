-- money_at_risk (CONTRACT §5): Σ `amount_at_risk` of open and acknowledged exceptions, as of
-- the most recent detection run. by: rule, owner, severity, month (of first detection).
-- Coverage 1: it reads the exceptions themselves.
SELECT
    multiIf({by:String} = 'rule', rule,
            {by:String} = 'owner', owner,
            {by:String} = 'severity', severity,
            {by:String} = 'month', toString(toStartOfMonth(first_detected_at)),
            '') AS grp,
    sum(amount_at_risk) AS numerator,
    CAST(NULL, 'Nullable(Decimal(38, 8))') AS denominator,
    toDecimal128(1, 0) AS cov_num,
    toDecimal128(1, 0) AS cov_den
FROM exception_state
WHERE status IN ('open', 'acknowledged')
GROUP BY grp
ORDER BY grp
