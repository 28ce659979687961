-- utilization, from the derived facts (server/derived/): the same answer as utilization.sql
-- as of any time the facts cover. Capacity is computed as there; hours come from
-- fact_time_entry instead of every PSA and ERP time entry's winning version.
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
                    {by:String} = 'month', toString(toStartOfMonth(f.work_date)),
                    '') AS grp,
            sum(f.hours) AS hours,
            sum(f.rec_hours) AS reconciled_hours
        FROM
        (
            SELECT resource_key, work_date, sum(hours) AS hours, sum(rec_hours) AS rec_hours
            FROM fact_time_entry
            WHERE kind = 'psa' AND status = 'approved' AND billable
              AND work_date >= {from:Date} AND work_date <= {to:Date}
              AND valid_from <= {as_of:DateTime64(3, 'UTC')}
            GROUP BY resource_key, work_date
            HAVING sum(entries) != 0
        ) AS f
        INNER JOIN hr ON hr.key = f.resource_key
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
