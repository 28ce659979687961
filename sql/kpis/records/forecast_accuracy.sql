-- The PSA assignments behind forecast_accuracy (kpis/forecast_accuracy.sql), one row each, in
-- key order after {after:String}: planned and actual hours over [from, to] and their difference.
-- {by:String} (practice, project) and {group:String} keep one row of the KPI's `by`.
WITH
-- @include kpis/parts/psa_time.sql
-- @include kpis/parts/forecast_accuracy.sql
SELECT
    key, project_key AS project, resource_key AS resource, practice,
    planned, actual, abs(actual - planned) AS abs_error
FROM pieces
WHERE key > {after:String}
  AND multiIf({by:String} = 'practice', practice, {by:String} = 'project', project_key, '') = {group:String}
ORDER BY key
LIMIT {limit:UInt32}
