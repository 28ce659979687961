-- kpis/weekly/forecast_accuracy.sql from the derived facts (server/derived/): the same answer as of any time
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
SELECT week, sum(planned) AS planned, sum(actual) AS actual
FROM pieces
WHERE ({practice:String} = '' OR practice = {practice:String})
  AND ({project:String} = '' OR project_key = {project:String})
GROUP BY week
ORDER BY week
