-- unbilled_wip, from the derived facts (server/derived/): the same answer as unbilled_wip.sql
-- as of any time the facts cover.
WITH
    toDate({as_of:DateTime64(3, 'UTC')}) AS d,
    entries AS
    (
        SELECT
            multiIf({by:String} = 'age',
                        multiIf(dateDiff('day', f.work_date, d) <= 30, '0-30',
                                dateDiff('day', f.work_date, d) <= 60, '31-60',
                                dateDiff('day', f.work_date, d) <= 90, '61-90', '91+'),
                    {by:String} = 'project', p.key,
                    {by:String} = 'practice', ifNull(p.practice, '(none)'),
                    {by:String} = 'month', toString(toStartOfMonth(f.work_date)),
                    '') AS grp,
            f.work_date AS work_date,
            if(f.currency = '', {reporting:String}, f.currency) AS currency,
            f.n AS entries,
            f.amount AS amount,
            f.rec_amount AS rec_amount
        FROM
        (
            SELECT project_key, work_date, currency, sum(entries) AS n, sum(amount) AS amount, sum(rec_amount) AS rec_amount
            FROM fact_time_entry
            WHERE kind = 'erp' AND status = 'approved' AND billable AND NOT invoiced
              AND work_date <= d
              AND valid_from <= {as_of:DateTime64(3, 'UTC')}
            GROUP BY project_key, work_date, currency
            HAVING sum(entries) != 0
        ) AS f
        INNER JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = f.project_key
        WHERE p.billing_type = 'time_and_materials'
    )
-- @include kpis/parts/unbilled_wip.sql
