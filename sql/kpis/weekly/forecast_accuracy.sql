-- forecast_accuracy's planned and actual hours per ISO week of [from, to] (the chart behind the
-- KPI), for one practice (HR) or one project or, with both '', the whole firm: the pieces of
-- kpis/parts/forecast_accuracy.sql cut at weeks. Weeks with nothing planned or worked are absent.
WITH
-- @include kpis/parts/psa_time.sql
-- @include kpis/parts/forecast_accuracy.sql
SELECT week, sum(planned) AS planned, sum(actual) AS actual
FROM pieces
WHERE ({practice:String} = '' OR practice = {practice:String})
  AND ({project:String} = '' OR project_key = {project:String})
GROUP BY week
ORDER BY week
