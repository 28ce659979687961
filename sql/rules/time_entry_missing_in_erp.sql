-- time_entry_missing_in_erp (CONTRACT §4): a PSA time entry `approved`, `approved_at` set and
-- more than 24 h before `as_of`, with no ERP time entry of the same key. Amount at risk:
-- `hours × bill_rate` if billable, else 0 (a missing bill_rate counts as 0), converted at `work_date`.
SELECT
    t.key AS entity_key,
    [t.system] AS systems,
    if(t.billable, t.hours * ifNull(t.bill_rate, toDecimal128(0, 8)), toDecimal128(0, 16)) AS amount_at_risk,
    ifNull(t.currency, {reporting:String}) AS currency,
    -- §5 Currency: 0 stays 0; else converted (null when no rate applies).
    if(amount_at_risk = 0, CAST(0, 'Nullable(Decimal(38, 8))'), CAST(round(amount_at_risk * fx.fx_rate, 8), 'Nullable(Decimal(38, 8))')) AS amount_at_risk_reporting,
    p.practice AS practice,
    p.region AS region,
    t.resource_key AS `psa.resource_key`,
    t.project_key AS `psa.project_key`,
    t.work_date AS `psa.work_date`,
    t.hours AS `psa.hours`,
    t.billable AS `psa.billable`,
    t.bill_rate AS `psa.bill_rate`,
    t.approved_at AS `psa.approved_at`,
    CAST(NULL, 'Nullable(String)') AS `erp.key`
FROM cur_time_entry(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}) AS t
LEFT JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = t.project_key
ASOF LEFT JOIN
-- @include fx/parts/rates.sql
    AS fx ON fx.fx_currency = ifNull(t.currency, {reporting:String}) AND fx.fx_date <= t.work_date
WHERE t.status = 'approved'
  AND t.approved_at IS NOT NULL
  AND t.approved_at < {as_of:DateTime64(3, 'UTC')} - toIntervalMillisecond(toInt64({min_age_hours:Float64} * 3600000))
  -- Keys an ERP holds as of as_of: some system's latest version of the key is not a deletion
  -- (the key set of cur_time_entry, without reading the rows' other columns).
  AND t.key NOT IN (
      SELECT key
      FROM entity_time_entry
      WHERE kind = 'erp'
        AND observed_at <= {as_of:DateTime64(3, 'UTC')}
        AND batch_uid IN (SELECT batch_uid FROM batches)
      GROUP BY key, system
      HAVING NOT argMax(deleted, ver)
  )
