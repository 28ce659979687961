-- project_missing_in_psa (CONTRACT §4): an ERP project not `closed`, `created_at` empty or more
-- than 24 h before `as_of`, with no PSA project of the same key. Amount at risk:
-- `budget_amount` or 0, converted at D.
WITH
-- @include fx/parts/rates_on_d.sql
    AS fx_on_d
SELECT
    p.key AS entity_key,
    [p.system] AS systems,
    ifNull(p.budget_amount, toDecimal128(0, 8)) AS amount_at_risk,
    ifNull(p.currency, {reporting:String}) AS currency,
    -- §5 Currency: 0 stays 0; else converted (null when no rate applies).
    multiIf(amount_at_risk = 0, CAST(0, 'Nullable(Decimal(38, 8))'),
            NOT mapContains(fx_on_d, ifNull(p.currency, {reporting:String})), NULL,
            CAST(round(amount_at_risk * fx_on_d[ifNull(p.currency, {reporting:String})], 8), 'Nullable(Decimal(38, 8))')) AS amount_at_risk_reporting,
    p.practice AS practice,
    p.region AS region,
    p.name AS `erp.name`,
    p.status AS `erp.status`,
    p.billing_type AS `erp.billing_type`,
    p.budget_amount AS `erp.budget_amount`,
    p.created_at AS `erp.created_at`,
    p.opportunity_key AS `erp.opportunity_key`,
    CAST(NULL, 'Nullable(String)') AS `psa.key`
FROM cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p
WHERE p.status != 'closed'
  AND (p.created_at IS NULL
       OR p.created_at < {as_of:DateTime64(3, 'UTC')} - toIntervalMillisecond(toInt64({min_age_hours:Float64} * 3600000)))
  AND p.key NOT IN (SELECT key FROM cur_project(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}))
