-- The PSA ↔ ERP time-entry comparison's counts and amounts (_summary.sql over
-- psa-erp.time_entry.sql), from fact_time_pair (server/derived/): the same answer as of any
-- time the facts cover, in total or by period (month), practice or project. Amounts in the
-- reporting currency: the facts' records of one currency and day share one rate, so converting
-- their sum is converting each (CONTRACT §5 Currency; _summary.sql).
SELECT
    multiIf({by:String} = 'period', toString(toStartOfMonth(f.period)),
            {by:String} = 'practice', ifNull(pr.practice, '(none)'),
            {by:String} = 'project', f.project_key,
            '') AS grp,
    sum(f.records) AS records,
    sumIf(f.records, f.status = 'matched') AS matched,
    sumIf(f.records, f.status = 'only_a') AS only_a,
    sumIf(f.records, f.status = 'only_b') AS only_b,
    sumIf(f.records, f.status = 'differing') AS differing,
    sumIf(f.records, f.status = 'only_a' AND f.rule != '') AS only_a_breaking,
    sumIf(f.records, f.rule != '') AS breaking,
    sumIf(f.amount_a * fx.fx_rate, fx.fx_rate IS NOT NULL) AS total_a,
    sumIf(f.amount_b * fx.fx_rate, fx.fx_rate IS NOT NULL) AS total_b,
    total_a - total_b AS total_diff,
    sumIf(f.records, fx.fx_rate IS NOT NULL) AS fx_num,
    sum(f.records) AS fx_den
FROM
(
    SELECT project_key, period, status, rule, currency, sum(records) AS records, sum(amount_a) AS amount_a, sum(amount_b) AS amount_b
    FROM fact_time_pair
    WHERE period >= {from:Date} AND period <= {to:Date}
      AND valid_from <= {as_of:DateTime64(3, 'UTC')}
    GROUP BY project_key, period, status, rule, currency
    HAVING records != 0
) AS f
ASOF LEFT JOIN
-- @include fx/parts/rates.sql
AS fx ON fx.fx_currency = if(f.currency = '', {reporting:String}, f.currency) AND fx.fx_date <= f.period
LEFT JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS pr ON pr.key = f.project_key
GROUP BY grp
HAVING records != 0
ORDER BY grp
