-- gross_margin, from the derived facts (server/derived/): the same answer as gross_margin.sql as
-- of any time the facts cover. fact_time_entry keeps ERP hours and hours × bill_rate per project,
-- resource, day and currency: what one conversion at work_date needs. Converting a sum at one
-- rate equals summing the converted entries (exact decimals), so the totals are identical.
WITH
-- @include kpis/parts/hr_cost.sql
    entries AS
    (
        SELECT
            multiIf({by:String} = 'project', p.key,
                    {by:String} = 'practice', ifNull(p.practice, '(none)'),
                    {by:String} = 'month', toString(toStartOfMonth(f.work_date)),
                    '') AS grp,
            f.work_date AS work_date,
            f.n_entries AS entries,
            f.hours AS hours,
            f.amount AS revenue,
            if(f.currency = '', {reporting:String}, f.currency) AS currency,
            f.hours * hr.cost_rate AS cost,
            ifNull(hr.cost_currency, {reporting:String}) AS cost_currency
        FROM
        (
            SELECT project_key, resource_key, work_date, currency,
                   sum(entries) AS n_entries, sum(hours) AS hours, sum(amount) AS amount
            FROM fact_time_entry
            WHERE kind = 'erp' AND status = 'approved' AND billable
              AND work_date >= {from:Date} AND work_date <= {to:Date}
              AND valid_from <= {as_of:DateTime64(3, 'UTC')}
            GROUP BY project_key, resource_key, work_date, currency
            HAVING sum(entries) != 0
        ) AS f
        INNER JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = f.project_key
        LEFT JOIN hr ON hr.key = f.resource_key
        WHERE p.billing_type = 'time_and_materials'
    )
-- @include kpis/parts/gross_margin.sql
