-- assignment_without_recent_time, from the derived facts (server/derived/): the same answer as
-- assignment_without_recent_time.sql as of any time the facts cover.
WITH
    toDate({as_of:DateTime64(3, 'UTC')}) AS d,
    recent AS
    (
        SELECT resource_key, project_key
        FROM fact_time_entry
        WHERE kind = 'psa'
          AND work_date >= d - toIntervalDay({window_days:UInt32} - 1) AND work_date <= d
          AND valid_from <= {as_of:DateTime64(3, 'UTC')}
        GROUP BY resource_key, project_key
        HAVING sum(entries) != 0
    )
-- @include rules/parts/assignment_without_recent_time.sql
