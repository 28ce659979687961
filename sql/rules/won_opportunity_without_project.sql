-- won_opportunity_without_project (CONTRACT §4): a CRM opportunity `is_won`, `won_at` (else
-- `close_date` 00:00Z) more than 48 h before `as_of`, and no ERP or PSA project has
-- `opportunity_key` = its key. Amount at risk: `amount`.
WITH
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
    o.currency AS currency,
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
