-- utilization (CONTRACT §5): Σ hours of PSA time entries `approved` and `billable` with
-- `work_date` in [from, to], over Σ capacity: for each HR resource, `weekly_capacity_hours / 5`
-- for every Monday–Friday in [from, to] on which it was employed (`hire_date` empty or ≤ day,
-- and `termination_date` empty or ≥ day). Only time of resources present in HR counts.
-- Practice and region come from HR. by: practice, region, resource, month.
-- Coverage: the share of those hours whose entry exists in the ERP with equal hours (±0.01).
WITH
    hr AS
    (
        SELECT key, practice, region, hire_date, termination_date,
               toDecimal128(weekly_capacity_hours, 12) / 5 AS daily_capacity
        FROM cur_resource(kind = 'hr', as_of = {as_of:DateTime64(3, 'UTC')})
    ),
    days AS
    (
        SELECT toDate({from:Date}) + number AS day
        FROM numbers(toUInt64(greatest(dateDiff('day', {from:Date}, {to:Date}) + 1, 0)))
        WHERE toDayOfWeek(day) <= 5
    ),
    capacity AS
    (
        SELECT
            multiIf({by:String} = 'practice', ifNull(hr.practice, '(none)'),
                    {by:String} = 'region', ifNull(hr.region, '(none)'),
                    {by:String} = 'resource', hr.key,
                    {by:String} = 'month', toString(toStartOfMonth(days.day)),
                    '') AS grp,
            sum(hr.daily_capacity) AS capacity_hours
        FROM hr CROSS JOIN days
        WHERE (hr.hire_date IS NULL OR hr.hire_date <= days.day)
          AND (hr.termination_date IS NULL OR hr.termination_date >= days.day)
        GROUP BY grp
    ),
    worked AS
    (
        SELECT
            multiIf({by:String} = 'practice', ifNull(hr.practice, '(none)'),
                    {by:String} = 'region', ifNull(hr.region, '(none)'),
                    {by:String} = 'resource', hr.key,
                    {by:String} = 'month', toString(toStartOfMonth(t.work_date)),
                    '') AS grp,
            sum(t.hours) AS hours,
            sumIf(t.hours, erp.key != '' AND abs(erp.hours - t.hours) <= 0.01) AS reconciled_hours
        FROM cur_time_entry(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}) AS t
        INNER JOIN hr ON hr.key = t.resource_key
        LEFT JOIN cur_time_entry(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS erp ON erp.key = t.key
        WHERE t.status = 'approved' AND t.billable AND t.work_date >= {from:Date} AND t.work_date <= {to:Date}
        GROUP BY grp
    )
SELECT
    if(capacity.grp != '', capacity.grp, worked.grp) AS grp,
    ifNull(worked.hours, toDecimal128(0, 8)) AS numerator,
    ifNull(capacity.capacity_hours, toDecimal128(0, 12)) AS denominator,
    ifNull(worked.reconciled_hours, toDecimal128(0, 8)) AS cov_num,
    ifNull(worked.hours, toDecimal128(0, 8)) AS cov_den
FROM capacity
FULL OUTER JOIN worked ON worked.grp = capacity.grp
ORDER BY grp
