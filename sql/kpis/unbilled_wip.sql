-- unbilled_wip (CONTRACT §5): Σ `hours × bill_rate` of ERP time entries `approved`, `billable`,
-- with no `invoice_key`, `work_date` ≤ the date of `as_of`, on `time_and_materials` projects;
-- rows are age buckets of (date of `as_of` − `work_date`): 0-30, 31-60, 61-90, 91+ days.
-- by: age, project, practice. In the reporting currency, each entry converted at its work_date;
-- an entry whose currency has no rate is left out (fx_num / fx_den: entries converted / all).
-- Coverage: the share of that amount whose entry exists in the PSA with equal hours (±0.01).
WITH
    toDate({as_of:DateTime64(3, 'UTC')}) AS d,
    entries AS
    (
        SELECT
            multiIf({by:String} = 'age',
                        multiIf(dateDiff('day', t.work_date, d) <= 30, '0-30',
                                dateDiff('day', t.work_date, d) <= 60, '31-60',
                                dateDiff('day', t.work_date, d) <= 90, '61-90', '91+'),
                    {by:String} = 'project', p.key,
                    {by:String} = 'practice', ifNull(p.practice, '(none)'),
                    {by:String} = 'month', toString(toStartOfMonth(t.work_date)),
                    '') AS grp,
            t.work_date AS work_date,
            ifNull(t.currency, {reporting:String}) AS currency,
            toInt64(1) AS entries,
            t.hours * ifNull(t.bill_rate, toDecimal128(0, 8)) AS amount,
            if(psa.key != '' AND abs(psa.hours - t.hours) <= 0.01, amount, toDecimal128(0, 16)) AS rec_amount
        FROM cur_time_entry(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS t
        INNER JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = t.project_key
        LEFT JOIN cur_time_entry(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}) AS psa ON psa.key = t.key
        WHERE t.status = 'approved'
          AND t.billable
          AND t.invoice_key IS NULL
          AND t.work_date <= d
          AND p.billing_type = 'time_and_materials'
    )
-- @include kpis/parts/unbilled_wip.sql
