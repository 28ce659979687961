-- backlog (CONTRACT §5): Σ over ERP projects not `closed` with a `budget_amount` of
-- max(`budget_amount` − Σ amounts of that project's ERP invoices `issued` or `paid`, 0).
-- by: project, practice, region. In the reporting currency: a project's budget and its invoices
-- convert at D; a project whose currency, or any of whose invoices' currency, has no rate is left
-- out whole (fx_num / fx_den: projects converted / all). Coverage: the share of that amount on
-- projects that exist in the PSA with an equal budget_amount.
WITH
-- @include fx/parts/rates_on_d.sql
    AS fx_on_d,
    invoiced AS
    (
        SELECT
            i.project_key AS project_key,
            sum(i.amount * fx_on_d[ifNull(i.currency, {reporting:String})]) AS amount,
            countIf(NOT mapContains(fx_on_d, ifNull(i.currency, {reporting:String}))) = 0 AS converted
        FROM cur_invoice(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS i
        WHERE i.status IN ('issued', 'paid')
        GROUP BY project_key
    ),
    remaining AS
    (
        SELECT
            p.key AS key,
            p.practice AS practice,
            p.region AS region,
            mapContains(fx_on_d, ifNull(p.currency, {reporting:String})) AND ifNull(i.converted, true) AS converted,
            if(converted,
               greatest(assumeNotNull(p.budget_amount) * fx_on_d[ifNull(p.currency, {reporting:String})] - ifNull(i.amount, toDecimal128(0, 16)), toDecimal128(0, 16)),
               toDecimal128(0, 16)) AS amount,
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
    sumIf(amount, converted) AS numerator,
    CAST(NULL, 'Nullable(Decimal(38, 8))') AS denominator,
    sumIf(amount, converted AND reconciled) AS cov_num,
    numerator AS cov_den,
    countIf(converted) AS fx_num,
    count() AS fx_den
FROM remaining
GROUP BY grp
-- A group whose records were all left out (no rate) is no row; the total always is.
HAVING fx_num > 0 OR {by:String} = ''
ORDER BY grp
