-- The people behind bench_capacity (kpis/bench_capacity.sql), one row each, in key order after
-- {after:String}: free hours and capacity over the 20 weekdays after D, and free hours per ISO
-- week. {by:String} (practice, resource, week) and {group:String} keep one row of the KPI's
-- `by` (with a week, the person's figures for that week alone).
-- @include kpis/parts/bench_capacity.sql
SELECT
    key, any(name) AS name, any(practice) AS practice,
    sum(week_free) AS free_hours, sum(week_capacity) AS capacity,
    arraySort(groupArray((week, week_free))) AS weeks
FROM
(
    SELECT key, name, practice, week, sum(free_hours) AS week_free, sum(capacity) AS week_capacity
    FROM free
    WHERE key > {after:String}
      AND multiIf({by:String} = 'practice', practice, {by:String} = 'resource', key, {by:String} = 'week', week, '') = {group:String}
    GROUP BY key, name, practice, week
)
GROUP BY key
ORDER BY key
LIMIT {limit:UInt32}
