-- won_opportunity_without_project (CONTRACT §4): a CRM opportunity `is_won`, `won_at` (else
-- `close_date` 00:00Z) more than 48 h before `as_of`, and no ERP or PSA project has
-- `opportunity_key` = its key. Amount at risk: `amount` (converted at D).
WITH
-- @include fx/parts/rates_on_d.sql
    AS fx_on_d,
    projects AS
    (
        SELECT opportunity_key FROM cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) WHERE opportunity_key IS NOT NULL
        UNION ALL
        SELECT opportunity_key FROM cur_project(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}) WHERE opportunity_key IS NOT NULL
    )
SELECT
    o.key AS entity_key,
    [o.system] AS systems,
    o.amount AS amount_at_risk,
    ifNull(o.currency, {reporting:String}) AS currency,
    -- §5 Currency: 0 stays 0; else converted (null when no rate applies).
    multiIf(amount_at_risk = 0, CAST(0, 'Nullable(Decimal(38, 8))'),
            NOT mapContains(fx_on_d, ifNull(o.currency, {reporting:String})), NULL,
            CAST(round(amount_at_risk * fx_on_d[ifNull(o.currency, {reporting:String})], 8), 'Nullable(Decimal(38, 8))')) AS amount_at_risk_reporting,
    CAST(NULL, 'Nullable(String)') AS practice,
    CAST(NULL, 'Nullable(String)') AS region,
    o.name AS `crm.name`,
    o.account_key AS `crm.account_key`,
    o.stage AS `crm.stage`,
    o.amount AS `crm.amount`,
    o.won_at AS `crm.won_at`,
    o.close_date AS `crm.close_date`,
    o.owner_email AS `crm.owner_email`,
    CAST(NULL, 'Nullable(String)') AS `erp.project_key`,
    CAST(NULL, 'Nullable(String)') AS `psa.project_key`
FROM cur_opportunity(kind = 'crm', as_of = {as_of:DateTime64(3, 'UTC')}) AS o
WHERE o.is_won
  AND ifNull(o.won_at, toDateTime64(o.close_date, 3, 'UTC'))
      < {as_of:DateTime64(3, 'UTC')} - toIntervalMillisecond(toInt64({min_age_hours:Float64} * 3600000))
  AND o.key NOT IN (SELECT assumeNotNull(opportunity_key) FROM projects)
