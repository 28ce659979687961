-- forecast_accuracy's planned and actual hours per ISO week of [from, to] (the chart behind the
-- KPI), for one practice (HR) or one project or, with both '', the whole firm: the pieces of
-- kpis/parts/forecast_accuracy.sql cut at weeks. Weeks with nothing planned or worked are absent.
WITH
    time AS
    (
        SELECT project_key, resource_key, work_date, hours
        FROM cur_time_entry(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')})
        WHERE status = 'approved' AND work_date >= {from:Date} AND work_date <= {to:Date}
    )
-- @include kpis/parts/forecast_accuracy.sql
SELECT week, sum(planned) AS planned, sum(actual) AS actual
FROM pieces
WHERE ({practice:String} = '' OR practice = {practice:String})
  AND ({project:String} = '' OR project_key = {project:String})
GROUP BY week
ORDER BY week
