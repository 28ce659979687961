-- unbilled_time_over_90_days, from the derived facts (server/derived/): the same answer as
-- unbilled_time_over_90_days.sql as of any time the facts cover.
WITH toDate({as_of:DateTime64(3, 'UTC')}) AS d
SELECT
    p.key AS entity_key,
    [p.system] AS systems,
    sum(f.amount) AS amount_at_risk,
    ifNull(any(p.currency), {reporting:String}) AS currency,
    if(amount_at_risk = 0, CAST(0, 'Nullable(Decimal(38, 8))'),
       if(countIf(fx.fx_rate IS NULL) > 0, NULL, CAST(round(sum(f.amount * fx.fx_rate), 8), 'Nullable(Decimal(38, 8))'))) AS amount_at_risk_reporting,
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
    SELECT project_key, work_date, currency, sum(entries) AS entries, sum(hours) AS hours, sum(amount) AS amount
    FROM fact_time_entry
    WHERE kind = 'erp' AND status = 'approved' AND billable AND NOT invoiced
      AND dateDiff('day', work_date, d) > {max_age_days:UInt32}
      AND valid_from <= {as_of:DateTime64(3, 'UTC')}
    GROUP BY project_key, work_date, currency
    HAVING entries != 0
) AS f
INNER JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = f.project_key
ASOF LEFT JOIN
-- @include fx/parts/rates.sql
    AS fx ON fx.fx_currency = if(f.currency = '', {reporting:String}, f.currency) AND fx.fx_date <= f.work_date
WHERE p.billing_type = 'time_and_materials'
GROUP BY p.key, p.system
