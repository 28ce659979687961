-- kpis/records/forecast_accuracy.sql from the derived facts (server/derived/): the same answer as of any time
-- the facts cover; approved PSA hours per project, resource and day from fact_time_entry.
WITH
-- @include kpis/parts/psa_time.derived.sql
-- @include kpis/parts/forecast_accuracy.sql
SELECT
    key, project_key AS project, resource_key AS resource, practice,
    planned, actual, abs(actual - planned) AS abs_error
FROM pieces
WHERE key > {after:String}
  AND multiIf({by:String} = 'practice', practice, {by:String} = 'project', project_key, '') = {group:String}
ORDER BY key
LIMIT {limit:UInt32}
