-- The shared body of unbilled_wip.sql (history) and unbilled_wip.derived.sql (derived facts):
-- given an `entries` CTE (grp, work_date, currency, entries, amount, rec_amount), each row
-- converted at its work_date (CONTRACT §5 Currency), the converted ones summed per group.
SELECT
    e.grp AS grp,
    sumIf(e.amount * assumeNotNull(fx.fx_rate), fx.fx_rate IS NOT NULL) AS numerator,
    CAST(NULL, 'Nullable(Decimal(38, 8))') AS denominator,
    sumIf(e.rec_amount * assumeNotNull(fx.fx_rate), fx.fx_rate IS NOT NULL) AS cov_num,
    numerator AS cov_den,
    sumIf(e.entries, fx.fx_rate IS NOT NULL) AS fx_num,
    sum(e.entries) AS fx_den
FROM entries AS e
ASOF LEFT JOIN
-- @include fx/parts/rates.sql
    AS fx ON fx.fx_currency = e.currency AND fx.fx_date <= e.work_date
GROUP BY grp
-- A group whose records were all left out (no rate) is no row; the total always is.
HAVING fx_num > 0 OR {by:String} = ''
ORDER BY grp
