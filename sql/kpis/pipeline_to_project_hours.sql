-- pipeline_to_project_hours (CONTRACT §5): median (the mean of the two middle values for an
-- even count; p90 too) of hours from an opportunity's `won_at` to the earliest `created_at` of
-- an ERP or PSA project with that `opportunity_key`, over opportunities with a `won_at` whose
-- UTC date is in [from, to] and that have such a project. by: month.
-- quantileExactInclusive interpolates between the two middle values, as the contract asks.
-- Coverage: the share of won opportunities in the range that have a project at all.
WITH
    projects AS
    (
        SELECT opportunity_key, created_at FROM cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')})
        WHERE opportunity_key IS NOT NULL AND created_at IS NOT NULL
        UNION ALL
        SELECT opportunity_key, created_at FROM cur_project(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')})
        WHERE opportunity_key IS NOT NULL AND created_at IS NOT NULL
    ),
    first_project AS
    (
        SELECT assumeNotNull(opportunity_key) AS opportunity_key, min(assumeNotNull(created_at)) AS created_at
        FROM projects
        GROUP BY opportunity_key
    ),
    won AS
    (
        SELECT
            o.key AS key,
            assumeNotNull(o.won_at) AS won_at,
            fp.opportunity_key != '' AS has_project,
            (toUnixTimestamp64Milli(fp.created_at) - toUnixTimestamp64Milli(assumeNotNull(o.won_at))) / 3600000 AS hours
        FROM cur_opportunity(kind = 'crm', as_of = {as_of:DateTime64(3, 'UTC')}) AS o
        LEFT JOIN first_project AS fp ON fp.opportunity_key = o.key
        WHERE o.won_at IS NOT NULL
          AND toDate(o.won_at) >= {from:Date} AND toDate(o.won_at) <= {to:Date}
    )
SELECT
    multiIf({by:String} = 'month', toString(toStartOfMonth(won_at)), '') AS grp,
    quantileExactInclusiveIf(0.5)(hours, has_project) AS value,
    quantileExactInclusiveIf(0.9)(hours, has_project) AS p90,
    countIf(has_project) AS n,
    arraySort(groupArrayIf(hours, has_project)) AS sorted,
    if(n > 0, sorted[intDiv(n + 1, 2)], NULL) AS median_low,
    if(n > 0, sorted[intDiv(n, 2) + 1], NULL) AS median_high,
    CAST(NULL, 'Nullable(Decimal(38, 8))') AS numerator,
    toDecimal128(n, 0) AS denominator,
    toDecimal128(countIf(has_project), 0) AS cov_num,
    toDecimal128(count(), 0) AS cov_den
FROM won
GROUP BY grp
ORDER BY grp
