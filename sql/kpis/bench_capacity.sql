-- bench_capacity (CONTRACT §5): over the 20 Monday-Friday days after D (the date of as_of, not
-- itself): for each HR resource `active` and employed that day, free = max(weekly_capacity_hours
-- / 5 − Σ over its PSA assignments `active` covering that day (both dates set) of planned_hours /
-- (their Monday-Friday days), 0) (16 decimal places, the last truncated); numerator = Σ free,
-- denominator = Σ weekly_capacity_hours / 5. Not a period KPI: from and to are not read.
-- by: practice (HR), resource, week (ISO, of the day). Coverage 1: HR and PSA each own theirs.
-- @include kpis/parts/bench_capacity.sql
SELECT
    multiIf({by:String} = 'practice', practice,
            {by:String} = 'resource', key,
            {by:String} = 'week', week,
            '') AS grp,
    sum(free_hours) AS numerator,
    sum(capacity) AS denominator,
    toDecimal128(1, 0) AS cov_num,
    toDecimal128(1, 0) AS cov_den
FROM free
GROUP BY grp
ORDER BY grp
