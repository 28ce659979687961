-- The ERP time entries behind gross_margin (kpis/gross_margin.sql), one row each, in key order
-- after {after:String}: every entry approved, billable, in [from, to], on a time-and-materials
-- project, with its revenue and cost in their own currencies and converted at its work_date.
-- cost is NULL without an HR cost rate (the entry then counts for coverage only); `converted`:
-- every amount it has converted. {by:String} and {group:String} keep one row of the KPI's `by`.
WITH
-- @include kpis/parts/hr_cost.sql
    entries AS
    (
        SELECT
            t.key AS key,
            t.project_key AS project,
            ifNull(p.practice, '(none)') AS practice,
            t.resource_key AS resource,
            t.work_date AS work_date,
            t.hours AS hours,
            t.hours * ifNull(t.bill_rate, toDecimal128(0, 8)) AS revenue,
            ifNull(t.currency, {reporting:String}) AS currency,
            t.hours * hr.cost_rate AS cost,
            if(hr.cost_rate IS NULL, NULL, ifNull(hr.cost_currency, {reporting:String})) AS cost_currency
        FROM cur_time_entry(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS t
        INNER JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = t.project_key
        LEFT JOIN hr ON hr.key = t.resource_key
        WHERE t.status = 'approved'
          AND t.billable
          AND t.work_date >= {from:Date} AND t.work_date <= {to:Date}
          AND p.billing_type = 'time_and_materials'
          AND t.key > {after:String}
          AND multiIf({by:String} = 'project', t.project_key,
                      {by:String} = 'practice', ifNull(p.practice, '(none)'),
                      {by:String} = 'month', toString(toStartOfMonth(t.work_date)),
                      '') = {group:String}
    )
SELECT
    e.key AS key, e.project AS project, e.practice AS practice, e.resource AS resource,
    e.work_date AS work_date, e.hours AS hours, e.revenue AS revenue, e.cost AS cost,
    e.currency AS currency, e.cost_currency AS cost_currency,
    e.revenue * rf.fx_rate AS revenue_reporting,
    e.cost * cf.fx_rate AS cost_reporting,
    rf.fx_rate IS NOT NULL AND (e.cost IS NULL OR cf.fx_rate IS NOT NULL) AS converted
FROM entries AS e
ASOF LEFT JOIN
-- @include fx/parts/rates.sql
AS rf ON rf.fx_currency = e.currency AND rf.fx_date <= e.work_date
ASOF LEFT JOIN
-- @include fx/parts/rates.sql
AS cf ON cf.fx_currency = ifNull(e.cost_currency, {reporting:String}) AND cf.fx_date <= e.work_date
ORDER BY key
LIMIT {limit:UInt32}
