-- Match counts and amounts of one comparison (the comparison file is inlined in the FROM),
-- in total or by period (month), practice or project. Amounts are in the reporting currency,
-- each record at its own rate of its fx_day (CONTRACT §5 Currency); a record whose currency has
-- no rate by then is left out of them, and fx_num of fx_den (records) says how many converted.
SELECT
    multiIf({by:String} = 'period', toString(toStartOfMonth(assumeNotNull(period))),
            {by:String} = 'practice', ifNull(practice, '(none)'),
            {by:String} = 'project', ifNull(project_key, '(none)'),
            '') AS grp,
    count() AS records,
    countIf(status = 'matched') AS matched,
    countIf(status = 'only_a') AS only_a,
    countIf(status = 'only_b') AS only_b,
    countIf(status = 'differing') AS differing,
    countIf(status = 'only_a' AND rule != '') AS only_a_breaking,
    countIf(rule != '') AS breaking,
    sumIf(ifNull(amount_a, 0) * fx_rate, fx_rate IS NOT NULL) AS total_a,
    sumIf(ifNull(amount_b, 0) * fx_rate, fx_rate IS NOT NULL) AS total_b,
    total_a - total_b AS total_diff,
    countIf(fx_rate IS NOT NULL) AS fx_num,
    count() AS fx_den
FROM
(
    SELECT r.*, fx.fx_rate AS fx_rate
    FROM
    (
        SELECT *
        FROM ({{comparison}})
        WHERE (period IS NULL OR (period >= {from:Date} AND period <= {to:Date}))
          AND ({by:String} != 'period' OR period IS NOT NULL)
    ) AS r
    ASOF LEFT JOIN
-- @include fx/parts/rates.sql
    AS fx ON fx.fx_currency = r.currency AND fx.fx_date <= r.fx_day
)
GROUP BY grp
ORDER BY grp
