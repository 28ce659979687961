-- assignment_without_recent_time (CONTRACT §4): a PSA assignment `active`, `start_date` ≤
-- D − 14 days, `end_date` empty or ≥ D, and no PSA time entry (any status) of that resource on
-- that project with `work_date` from D − 13 days to D. Amount at risk: 0.
WITH
    toDate({as_of:DateTime64(3, 'UTC')}) AS d,
    recent AS
    (
        SELECT DISTINCT resource_key, project_key
        FROM cur_time_entry(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')})
        WHERE work_date >= d - toIntervalDay({window_days:UInt32} - 1) AND work_date <= d
    )
-- @include rules/parts/assignment_without_recent_time.sql
