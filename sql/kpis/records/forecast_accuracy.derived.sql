-- kpis/records/forecast_accuracy.sql from the derived facts (server/derived/): the same answer as of any time
-- the facts cover; approved PSA hours per project, resource and day from fact_time_entry.
WITH
    time AS
    (
        SELECT project_key, resource_key, work_date, sum(hours) AS hours
        FROM fact_time_entry
        WHERE kind = 'psa' AND status = 'approved'
          AND work_date >= {from:Date} AND work_date <= {to:Date}
          AND valid_from <= {as_of:DateTime64(3, 'UTC')}
        GROUP BY project_key, resource_key, work_date
        HAVING sum(entries) != 0
    )
-- @include kpis/parts/forecast_accuracy.sql
SELECT
    key, project_key AS project, resource_key AS resource, practice,
    planned, actual, abs(actual - planned) AS abs_error
FROM pieces
WHERE key > {after:String}
  AND multiIf({by:String} = 'practice', practice, {by:String} = 'project', project_key, '') = {group:String}
ORDER BY key
LIMIT {limit:UInt32}
