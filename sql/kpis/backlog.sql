-- backlog (CONTRACT §5): Σ over ERP projects not `closed` with a `budget_amount` of
-- max(`budget_amount` − Σ amounts of that project's ERP invoices `issued` or `paid`, 0).
-- by: project, practice, region. Coverage: the share of that amount on projects that exist in
-- the PSA with an equal budget_amount.
WITH
    invoiced AS
    (
        SELECT project_key, sum(amount) AS amount
        FROM cur_invoice(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')})
        WHERE status IN ('issued', 'paid')
        GROUP BY project_key
    ),
    remaining AS
    (
        SELECT
            p.key AS key,
            p.practice AS practice,
            p.region AS region,
            greatest(assumeNotNull(p.budget_amount) - ifNull(i.amount, toDecimal128(0, 8)), toDecimal128(0, 8)) AS amount,
            psa.key != '' AND psa.budget_amount = p.budget_amount AS reconciled
        FROM cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p
        LEFT JOIN invoiced AS i ON i.project_key = p.key
        LEFT JOIN cur_project(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}) AS psa ON psa.key = p.key
        WHERE p.status != 'closed' AND p.budget_amount IS NOT NULL
    )
SELECT
    multiIf({by:String} = 'project', key,
            {by:String} = 'practice', ifNull(practice, '(none)'),
            {by:String} = 'region', ifNull(region, '(none)'),
            '') AS grp,
    sum(amount) AS numerator,
    CAST(NULL, 'Nullable(Decimal(38, 8))') AS denominator,
    sumIf(amount, reconciled) AS cov_num,
    numerator AS cov_den
FROM remaining
GROUP BY grp
ORDER BY grp
