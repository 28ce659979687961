-- Dashboard summaries of exceptions: counts and money at risk by a dimension (rule, owner,
-- severity, age bucket, overdue), over the given statuses (default open and acknowledged).
-- Money is the reporting amount (CONTRACT §5 Currency).
SELECT
    multiIf(
        {by:String} = 'rule', rule,
        {by:String} = 'owner', owner,
        {by:String} = 'severity', severity,
        {by:String} = 'status', status,
        {by:String} = 'practice', ifNull(practice, '(none)'),
        {by:String} = 'region', ifNull(region, '(none)'),
        {by:String} = 'overdue', if(overdue, 'overdue', 'on time'),
        multiIf(age_days <= 1, '0-1d', age_days <= 7, '2-7d', age_days <= 30, '8-30d', '31d+')
    ) AS grp,
    count() AS count,
    -- In the reporting currency: exceptions with no reporting amount (no rate), or one converted
    -- to another currency (before reporting_currency changed, until the next run), add nothing.
    sumIf(ifNull(amount_at_risk_reporting, toDecimal128(0, 8)), reporting_currency = {reporting:String}) AS total_amount,
    countIf(overdue) AS overdue_count
FROM
(
    SELECT
        *,
        status != 'resolved' AND due_at IS NOT NULL AND due_at < {now:DateTime64(3, 'UTC')} AS overdue,
        dateDiff('day', first_detected_at, {now:DateTime64(3, 'UTC')}) AS age_days
    FROM
    -- @include exceptions/parts/snoozed_state.sql
    AS exception_state
    WHERE (empty({status:Array(String)}) OR status IN {status:Array(String)})
      AND (empty({rule:Array(String)}) OR rule IN {rule:Array(String)})
      AND (empty({owner:Array(String)}) OR owner IN {owner:Array(String)})
      AND (empty({severity:Array(String)}) OR severity IN {severity:Array(String)})
      AND ({snoozed:String} = 'any' OR (snoozed_until IS NOT NULL) = ({snoozed:String} = 'true'))
)
GROUP BY grp
ORDER BY total_amount DESC, grp
