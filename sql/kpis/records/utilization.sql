-- The PSA time entries behind utilization's hours (kpis/utilization.sql), one row each, in key
-- order after {after:String}: approved, billable, in [from, to], of a resource present in HR;
-- `reconciled`: its ERP copy exists with equal hours (±0.01). {by:String} (practice, region,
-- resource, month) and {group:String} keep one row of the KPI's `by`.
WITH
    hr AS
    (
        SELECT key, practice, region
        FROM cur_resource(kind = 'hr', as_of = {as_of:DateTime64(3, 'UTC')})
    )
SELECT
    t.key AS key,
    t.resource_key AS resource,
    ifNull(hr.practice, '(none)') AS practice,
    ifNull(hr.region, '(none)') AS region,
    t.project_key AS project,
    t.work_date AS work_date,
    t.hours AS hours,
    erp.key != '' AND abs(erp.hours - t.hours) <= 0.01 AS reconciled
FROM cur_time_entry(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}) AS t
INNER JOIN hr ON hr.key = t.resource_key
LEFT JOIN cur_time_entry(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS erp ON erp.key = t.key
WHERE t.status = 'approved' AND t.billable AND t.work_date >= {from:Date} AND t.work_date <= {to:Date}
  AND t.key > {after:String}
  AND multiIf({by:String} = 'practice', ifNull(hr.practice, '(none)'),
              {by:String} = 'region', ifNull(hr.region, '(none)'),
              {by:String} = 'resource', hr.key,
              {by:String} = 'month', toString(toStartOfMonth(t.work_date)),
              '') = {group:String}
ORDER BY key
LIMIT {limit:UInt32}
