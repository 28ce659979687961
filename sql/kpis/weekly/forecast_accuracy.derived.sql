-- kpis/weekly/forecast_accuracy.sql from the derived facts (server/derived/): the same answer as of any time
-- the facts cover; approved PSA hours per project, resource and day from fact_time_entry.
WITH
-- @include kpis/parts/psa_time.derived.sql
-- @include kpis/parts/forecast_accuracy.sql
SELECT week, sum(planned) AS planned, sum(actual) AS actual
FROM pieces
WHERE ({practice:String} = '' OR practice = {practice:String})
  AND ({project:String} = '' OR project_key = {project:String})
GROUP BY week
ORDER BY week
