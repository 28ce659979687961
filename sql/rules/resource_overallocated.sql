-- resource_overallocated (CONTRACT §4): an HR resource `active` whose PSA assignments `active`,
-- with `start_date` ≤ D ≤ `end_date` (both set) and `planned_hours` set, add up to a weekly load
-- Σ planned_hours × 5 / (Monday–Friday days from start_date to end_date) above
-- max_load_ratio (1.1) × its HR `weekly_capacity_hours`; an assignment with no Monday–Friday day
-- is left out. Amount at risk: 0.
WITH
    toDate({as_of:DateTime64(3, 'UTC')}) AS d,
    counted AS
    (
        SELECT
            a.key AS key,
            a.system AS system,
            a.resource_key AS resource_key,
            a.planned_hours AS planned_hours,
            -- Monday-Friday days in [start_date, end_date], counted: whole weeks, then the days left over.
            dateDiff('day', a.start_date, assumeNotNull(a.end_date)) + 1 AS days,
            intDiv(days, 7) * 5
                + arrayCount(i -> (toDayOfWeek(a.start_date) - 1 + i) % 7 < 5, range(toUInt32(days % 7))) AS weekdays
        FROM cur_assignment(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}) AS a
        WHERE a.status = 'active'
          AND a.start_date <= d
          AND a.end_date IS NOT NULL
          AND a.end_date >= d
          AND a.planned_hours IS NOT NULL
    ),
    loads AS
    (
        -- Each share is cut at 20 decimals (never rounded up): a load exactly at the limit stays
        -- at it, and one above by at least 1e-8 h / its weekdays stays above.
        SELECT
            resource_key,
            groupUniqArray(system) AS psa_systems,
            arraySort(groupArray(key)) AS assignments,
            sum(toDecimal128(planned_hours, 20) * 5 / weekdays) AS weekly_load
        FROM counted
        WHERE weekdays > 0
        GROUP BY resource_key
    )
SELECT
    r.key AS entity_key,
    arrayConcat([r.system], l.psa_systems) AS systems,
    toDecimal128(0, 8) AS amount_at_risk,
    ifNull(r.currency, {reporting:String}) AS currency,
    toDecimal128(0, 8) AS amount_at_risk_reporting,
    r.practice AS practice,
    r.region AS region,
    r.name AS `hr.name`,
    r.weekly_capacity_hours AS `hr.weekly_capacity_hours`,
    r.weekly_capacity_hours * {max_load_ratio:Decimal(38, 8)} AS `hr.max_weekly_load`,
    toDecimal128(l.weekly_load, 8) AS `psa.weekly_load`,
    l.assignments AS `psa.assignments`
FROM cur_resource(kind = 'hr', as_of = {as_of:DateTime64(3, 'UTC')}) AS r
INNER JOIN loads AS l ON l.resource_key = r.key
WHERE r.status = 'active'
  AND l.weekly_load > r.weekly_capacity_hours * {max_load_ratio:Decimal(38, 8)}
