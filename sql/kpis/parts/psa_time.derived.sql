-- The `time` CTE of the forecast_accuracy files read from the derived facts: approved PSA hours
-- per project, resource and day from fact_time_entry; the same rows as psa_time.sql.
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
