-- The shared body of gross_margin.sql (history) and gross_margin.derived.sql (derived facts):
-- given an `entries` CTE (grp, work_date, entries, hours, revenue, currency, cost: NULL without
-- an HR cost rate, cost_currency), converted at work_date and summed per group.
, keyed AS
    (
        -- One row per group, day and currency pair: the rate lookups below then run on a few
        -- thousand rows instead of every entry; a sum converted at one rate is exact.
        SELECT grp, work_date, currency, cost_currency, cost IS NOT NULL AS has_cost,
               sum(entries) AS n, sum(hours) AS hours_sum, sum(revenue) AS revenue_sum,
               sum(ifNull(cost, toDecimal128(0, 16))) AS cost_sum
        FROM entries
        GROUP BY grp, work_date, currency, cost_currency, has_cost
    ),
    converted AS
    (
        SELECT
            e.grp AS grp,
            e.n AS entries,
            e.hours_sum AS hours,
            e.has_cost AS has_cost,
            rf.fx_rate IS NOT NULL AS revenue_ok,
            revenue_ok AND cf.fx_rate IS NOT NULL AS ok,
            e.revenue_sum * rf.fx_rate AS revenue_reporting,
            e.cost_sum * cf.fx_rate AS cost_reporting
        FROM keyed AS e
        ASOF LEFT JOIN
-- @include fx/parts/rates.sql
        AS rf ON rf.fx_currency = e.currency AND rf.fx_date <= e.work_date
        ASOF LEFT JOIN
-- @include fx/parts/rates.sql
        AS cf ON cf.fx_currency = e.cost_currency AND cf.fx_date <= e.work_date
    )
SELECT
    grp,
    sumIf(revenue_reporting - cost_reporting, has_cost AND ok) AS numerator,
    sumIf(revenue_reporting, has_cost AND ok) AS denominator,
    sumIf(hours, has_cost AND ok) AS cov_num,
    sumIf(hours, if(has_cost, ok, revenue_ok)) AS cov_den,
    sumIf(entries, has_cost AND ok) AS fx_num,
    sumIf(entries, has_cost) AS fx_den
FROM converted
GROUP BY grp
ORDER BY grp
