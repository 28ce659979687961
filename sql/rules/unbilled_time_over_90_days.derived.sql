-- unbilled_time_over_90_days, from the derived facts (server/derived/): the same answer as
-- unbilled_time_over_90_days.sql as of any time the facts cover.
WITH toDate({as_of:DateTime64(3, 'UTC')}) AS d
SELECT
    p.key AS entity_key,
    [p.system] AS systems,
    sum(f.amount) AS amount_at_risk,
    ifNull(any(p.currency), 'USD') AS currency,
    any(p.practice) AS practice,
    any(p.region) AS region,
    any(p.name) AS `erp.project_name`,
    toUInt64(sum(f.entries)) AS `erp.unbilled_entries`,
    sum(f.hours) AS `erp.unbilled_hours`,
    min(f.work_date) AS `erp.oldest_work_date`,
    max(f.work_date) AS `erp.newest_work_date`,
    sum(f.amount) AS `erp.unbilled_amount`
FROM
(
    SELECT project_key, work_date, sum(entries) AS entries, sum(hours) AS hours, sum(amount) AS amount
    FROM fact_time_entry
    WHERE kind = 'erp' AND status = 'approved' AND billable AND NOT invoiced
      AND dateDiff('day', work_date, d) > {max_age_days:UInt32}
      AND valid_from <= {as_of:DateTime64(3, 'UTC')}
    GROUP BY project_key, work_date
    HAVING entries != 0
) AS f
INNER JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = f.project_key
WHERE p.billing_type = 'time_and_materials'
GROUP BY p.key, p.system
