-- forecast_accuracy, from the derived facts (server/derived/): the same answer as
-- forecast_accuracy.sql as of any time the facts cover; approved PSA hours per project,
-- resource and day come from fact_time_entry instead of every entry's winning version.
WITH
-- @include kpis/parts/psa_time.derived.sql
-- @include kpis/parts/forecast_accuracy.sql
SELECT
    multiIf({by:String} = 'practice', practice,
            {by:String} = 'project', project_key,
            '') AS grp,
    sum(abs(actual - planned)) AS numerator,
    sum(planned) AS denominator,
    toDecimal128(1, 0) AS cov_num,
    toDecimal128(1, 0) AS cov_den
FROM pieces
GROUP BY grp
ORDER BY grp
