-- The shared body of bench_capacity.sql and records/bench_capacity.sql: `free`, one row per HR
-- resource `active` and employed on a day and each of the 20 Monday-Friday days after the date
-- of as_of (D+1 .. D+28: any 28 days hold 20 of them), with its capacity and free hours.
WITH
    days AS
    (
        SELECT toDate({as_of:DateTime64(3, 'UTC')}) + 1 + number AS day
        FROM numbers(28)
        WHERE toDayOfWeek(day) <= 5
    ),
    hr AS
    (
        SELECT key, name, practice, hire_date, termination_date,
               toDecimal128(weekly_capacity_hours, 16) / 5 AS daily_capacity
        FROM cur_resource(kind = 'hr', as_of = {as_of:DateTime64(3, 'UTC')})
        WHERE status = 'active'
    ),
    assignments AS
    (
        SELECT
            resource_key,
            start_date AS first_day,
            assumeNotNull(end_date) AS last_day,
            if(last_day < first_day, 0,
               intDiv(dateDiff('day', first_day, last_day) + 1, 7) * 5
               + arrayCount(d -> (toDayOfWeek(first_day) - 1 + d) % 7 < 5, range(toUInt32((dateDiff('day', first_day, last_day) + 1) % 7)))) AS all_days,
            -- Each of its days carries an equal share of its planned hours.
            toDecimal128(ifNull(planned_hours, toDecimal128(0, 8)), 16) / greatest(all_days, 1) AS daily_planned
        FROM cur_assignment(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')})
        WHERE status = 'active'
          AND end_date IS NOT NULL
          AND start_date <= toDate({as_of:DateTime64(3, 'UTC')}) + 28
          AND end_date > toDate({as_of:DateTime64(3, 'UTC')})
    ),
    booked AS
    (
        SELECT a.resource_key AS resource_key, days.day AS day, sum(a.daily_planned) AS planned
        FROM assignments AS a
        CROSS JOIN days
        WHERE a.all_days > 0 AND days.day >= a.first_day AND days.day <= a.last_day
        GROUP BY resource_key, day
    ),
    free AS
    (
        SELECT
            hr.key AS key,
            hr.name AS name,
            ifNull(hr.practice, '(none)') AS practice,
            days.day AS day,
            concat(toString(toISOYear(days.day)), '-W', leftPad(toString(toISOWeek(days.day)), 2, '0')) AS week,
            hr.daily_capacity AS capacity,
            greatest(hr.daily_capacity - ifNull(b.planned, toDecimal128(0, 16)), toDecimal128(0, 16)) AS free_hours
        FROM hr
        CROSS JOIN days
        LEFT JOIN booked AS b ON b.resource_key = hr.key AND b.day = days.day
        WHERE (hr.hire_date IS NULL OR hr.hire_date <= days.day)
          AND (hr.termination_date IS NULL OR hr.termination_date >= days.day)
    )
