-- gross_margin (CONTRACT §5): over ERP time entries `approved` and `billable` with `work_date` in
-- [from, to] on `time_and_materials` projects whose resource has an HR `cost_rate`:
-- (Σ hours × bill_rate − Σ hours × cost_rate) over Σ hours × bill_rate. by: project, practice
-- (the ERP project's), month. Revenue (entry currency) and cost (the HR resource's currency)
-- convert at the entry's work_date; an entry either of whose rates is missing is left out whole.
-- fx_num / fx_den: entries with a cost rate, converted / all. Coverage: hours with a cost rate
-- (converted) over those plus the hours of entries without one whose revenue converts.
WITH
-- @include kpis/parts/hr_cost.sql
    entries AS
    (
        SELECT
            multiIf({by:String} = 'project', p.key,
                    {by:String} = 'practice', ifNull(p.practice, '(none)'),
                    {by:String} = 'month', toString(toStartOfMonth(t.work_date)),
                    '') AS grp,
            t.work_date AS work_date,
            toInt64(1) AS entries,
            t.hours AS hours,
            t.hours * ifNull(t.bill_rate, toDecimal128(0, 8)) AS revenue,
            ifNull(t.currency, {reporting:String}) AS currency,
            t.hours * hr.cost_rate AS cost,
            ifNull(hr.cost_currency, {reporting:String}) AS cost_currency
        FROM cur_time_entry(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS t
        INNER JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = t.project_key
        LEFT JOIN hr ON hr.key = t.resource_key
        WHERE t.status = 'approved'
          AND t.billable
          AND t.work_date >= {from:Date} AND t.work_date <= {to:Date}
          AND p.billing_type = 'time_and_materials'
    )
-- @include kpis/parts/gross_margin.sql
