-- duplicate_time_entry (CONTRACT §4): among PSA time entries not `rejected`, two or more share
-- `resource_key`, `project_key`, `work_date` and `hours` under different keys: each of them except
-- the one with the smallest key (byte order) fires. Amount at risk: `hours × bill_rate` if
-- billable, else 0 (a missing bill_rate counts as 0); in the reporting currency at its work_date.
WITH
    live AS
    (
        SELECT key, system, resource_key, project_key, work_date, hours, billable, bill_rate, currency, status
        FROM cur_time_entry(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')})
        WHERE status != 'rejected'
    ),
    groups AS
    (
        -- Keys are unique within the PSA's current records, so two rows are two keys; min() on
        -- String compares bytes.
        SELECT resource_key, project_key, work_date, hours, min(key) AS kept_key, arraySort(groupArray(key)) AS keys
        FROM live
        GROUP BY resource_key, project_key, work_date, hours
        HAVING count() > 1
    ),
    dups AS
    (
        SELECT
            t.*,
            g.kept_key AS kept_key,
            arrayFilter(k -> k != g.kept_key, g.keys) AS duplicate_keys,
            ifNull(t.currency, {reporting:String}) AS cur,
            if(t.billable, t.hours * ifNull(t.bill_rate, toDecimal128(0, 8)), toDecimal128(0, 16)) AS amount
        FROM live AS t
        INNER JOIN groups AS g
            ON g.resource_key = t.resource_key AND g.project_key = t.project_key
           AND g.work_date = t.work_date AND g.hours = t.hours
        WHERE t.key != g.kept_key
    )
SELECT
    d.key AS entity_key,
    [d.system] AS systems,
    d.amount AS amount_at_risk,
    d.cur AS currency,
    -- §5: at its work_date; null without a rate on or before it, 0 when there is nothing at risk.
    if(d.amount = 0, CAST(0, 'Nullable(Decimal(38, 8))'), CAST(round(d.amount * fx.fx_rate, 8), 'Nullable(Decimal(38, 8))')) AS amount_at_risk_reporting,
    p.practice AS practice,
    p.region AS region,
    d.resource_key AS `psa.resource_key`,
    d.project_key AS `psa.project_key`,
    d.work_date AS `psa.work_date`,
    d.hours AS `psa.hours`,
    d.billable AS `psa.billable`,
    d.bill_rate AS `psa.bill_rate`,
    d.status AS `psa.status`,
    d.kept_key AS `duplicate.kept_key`,
    d.duplicate_keys AS `duplicate.duplicate_keys`
FROM dups AS d
ASOF LEFT JOIN
-- @include fx/parts/rates.sql
    AS fx ON fx.fx_currency = d.cur AND fx.fx_date <= d.work_date
LEFT JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = d.project_key
