-- money_at_risk (CONTRACT §5): Σ `amount_at_risk` of open and acknowledged exceptions, as of
-- the most recent detection run. by: rule, owner, severity, month (of first detection).
-- In the reporting currency: each exception's amount_at_risk_reporting, stored by the run that
-- found it. One with no amount always converts; one with no reporting amount (no rate), or
-- converted to another currency than {reporting} (before a change of reporting_currency, until
-- the next run) is left out (fx_num / fx_den: exceptions converted / all).
-- Coverage 1: it reads the exceptions themselves.
SELECT
    multiIf({by:String} = 'rule', rule,
            {by:String} = 'owner', owner,
            {by:String} = 'severity', severity,
            {by:String} = 'month', toString(toStartOfMonth(first_detected_at)),
            '') AS grp,
    sumIf(ifNull(amount_at_risk_reporting, toDecimal128(0, 8)), converted AND amount_at_risk != 0) AS numerator,
    CAST(NULL, 'Nullable(Decimal(38, 8))') AS denominator,
    toDecimal128(1, 0) AS cov_num,
    toDecimal128(1, 0) AS cov_den,
    countIf(converted) AS fx_num,
    count() AS fx_den
FROM
(
    SELECT
        *,
        amount_at_risk = 0 OR (amount_at_risk_reporting IS NOT NULL AND reporting_currency = {reporting:String}) AS converted
    FROM exception_state
    WHERE status IN ('open', 'acknowledged')
)
GROUP BY grp
-- A group whose records were all left out (no rate) is no row; the total always is.
HAVING fx_num > 0 OR {by:String} = ''
ORDER BY grp
