-- utilization, from the derived facts (server/derived/): the same answer as utilization.sql
-- as of any time the facts cover. Hours come from fact_time_entry instead of every PSA and ERP
-- time entry's winning version; capacity counts each person's weekdays instead of listing them
-- (5,000 people over a year were 1.3 M rows to join).
WITH
    hr AS
    (
        SELECT key, practice, region, hire_date, termination_date,
               toDecimal128(weekly_capacity_hours, 12) / 5 AS daily_capacity
        FROM cur_resource(kind = 'hr', as_of = {as_of:DateTime64(3, 'UTC')})
    ),
    stretches AS
    (
        -- Each resource's employed days inside [from, to], cut at month ends when by = month.
        SELECT
            *,
            greatest(toDate({from:Date}), ifNull(hire_date, toDate({from:Date}))) AS first_day,
            least(toDate({to:Date}), ifNull(termination_date, toDate({to:Date}))) AS last_day,
            arrayJoin(if({by:String} = 'month' AND first_day <= last_day,
                         arrayMap(i -> addMonths(toStartOfMonth(first_day), i),
                                  range(toUInt32(dateDiff('month', toStartOfMonth(first_day), toStartOfMonth(last_day)) + 1))),
                         [toStartOfMonth(first_day)])) AS month,
            if({by:String} = 'month', greatest(first_day, month), first_day) AS lo,
            if({by:String} = 'month', least(last_day, toLastDayOfMonth(month)), last_day) AS hi,
            -- Monday-Friday days in [lo, hi], counted: whole weeks, then the days left over.
            if(hi < lo, 0,
               intDiv(dateDiff('day', lo, hi) + 1, 7) * 5
               + arrayCount(d -> (toDayOfWeek(lo) - 1 + d) % 7 < 5, range(toUInt32((dateDiff('day', lo, hi) + 1) % 7)))) AS weekdays
        FROM hr
    ),
    capacity AS
    (
        -- The same sum as utilization.sql's one row per person and weekday: a decimal times a
        -- whole count is exact, so the totals are identical to the last digit.
        SELECT
            multiIf({by:String} = 'practice', ifNull(practice, '(none)'),
                    {by:String} = 'region', ifNull(region, '(none)'),
                    {by:String} = 'resource', key,
                    {by:String} = 'month', toString(month),
                    '') AS grp,
            sum(daily_capacity * weekdays) AS capacity_hours
        FROM stretches
        WHERE weekdays > 0
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
