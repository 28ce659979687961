-- The shared body of the forecast_accuracy files (KPI, its derived variant, records, weekly):
-- given a `time` CTE (project_key, resource_key, work_date, hours: PSA time entries approved,
-- work_date in [from, to]), `pieces`: each counted assignment's planned and actual hours over
-- its overlap with [from, to], cut at ISO weeks when {by:String} = 'week'. Monday-Friday days
-- are counted (whole weeks, then the days left over), as utilization.derived.sql does.
, hr AS
    (
        SELECT key, practice
        FROM cur_resource(kind = 'hr', as_of = {as_of:DateTime64(3, 'UTC')})
    ),
    assignments AS
    (
        SELECT
            a.key AS key,
            a.project_key AS project_key,
            a.resource_key AS resource_key,
            ifNull(hr.practice, '(none)') AS practice,
            a.planned_hours AS planned_hours,
            a.start_date AS first_day,
            assumeNotNull(a.end_date) AS last_day,
            if(last_day < first_day, 0,
               intDiv(dateDiff('day', first_day, last_day) + 1, 7) * 5
               + arrayCount(d -> (toDayOfWeek(first_day) - 1 + d) % 7 < 5, range(toUInt32((dateDiff('day', first_day, last_day) + 1) % 7)))) AS all_days,
            greatest(first_day, toDate({from:Date})) AS lo,
            least(last_day, toDate({to:Date})) AS hi
        FROM cur_assignment(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}) AS a
        LEFT JOIN hr ON hr.key = a.resource_key
        WHERE a.status IN ('active', 'completed')
          AND a.planned_hours > 0
          AND a.end_date IS NOT NULL
    ),
    cut AS
    (
        SELECT
            key, project_key, resource_key, practice, planned_hours, all_days,
            arrayJoin(if({by:String} = 'week',
                         arrayMap(i -> toMonday(lo) + 7 * i, range(toUInt32(intDiv(dateDiff('day', toMonday(lo), toMonday(hi)), 7) + 1))),
                         [toMonday(lo)])) AS week_start,
            if({by:String} = 'week', greatest(lo, week_start), lo) AS plo,
            if({by:String} = 'week', least(hi, week_start + 6), hi) AS phi
        FROM assignments
        -- An assignment with no Monday-Friday day is left out; so is one outside [from, to].
        WHERE all_days > 0 AND lo <= hi
    ),
    pieces_planned AS
    (
        SELECT
            *,
            concat(toString(toISOYear(week_start)), '-W', leftPad(toString(toISOWeek(week_start)), 2, '0')) AS week,
            intDiv(dateDiff('day', plo, phi) + 1, 7) * 5
              + arrayCount(d -> (toDayOfWeek(plo) - 1 + d) % 7 < 5, range(toUInt32((dateDiff('day', plo, phi) + 1) % 7))) AS in_days,
            toDecimal128(planned_hours, 16) * in_days / all_days AS planned
        FROM cut
    ),
    actuals AS
    (
        -- The assignments (thousands) on the right: the hash table is built from them.
        SELECT p.key AS key, p.week_start AS week_start, sum(t.hours) AS hours
        FROM time AS t
        INNER JOIN pieces_planned AS p ON p.project_key = t.project_key AND p.resource_key = t.resource_key
        WHERE t.work_date >= p.plo AND t.work_date <= p.phi
        GROUP BY p.key, p.week_start
    ),
    pieces AS
    (
        SELECT p.*, ifNull(x.hours, toDecimal128(0, 8)) AS actual
        FROM pieces_planned AS p
        LEFT JOIN actuals AS x ON x.key = p.key AND x.week_start = p.week_start
    )
