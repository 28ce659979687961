-- The `time` CTE of the forecast_accuracy files read from history: PSA time entries approved,
-- work_date in [from, to], as of {as_of}. Its derived twin is psa_time.derived.sql.
    time AS
    (
        SELECT project_key, resource_key, work_date, hours
        FROM cur_time_entry(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')})
        WHERE status = 'approved' AND work_date >= {from:Date} AND work_date <= {to:Date}
    )
