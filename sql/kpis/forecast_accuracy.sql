-- forecast_accuracy (CONTRACT §5): over PSA assignments `active` or `completed` with
-- `planned_hours` > 0 and both dates set: planned = planned_hours × (Monday-Friday days of
-- [start_date, end_date] ∩ [from, to]) / (Monday-Friday days of [start_date, end_date]) (16
-- decimal places, the last truncated); actual = Σ hours of PSA time entries `approved` of that
-- resource on that project with work_date in that intersection. numerator = Σ |actual − planned|,
-- denominator = Σ planned; compute.ts takes value = 1 − numerator / denominator.
-- by: practice (HR, of the resource), project. Coverage 1: it reads the PSA alone.
WITH
-- @include kpis/parts/psa_time.sql
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
