-- Record-level list of one comparison (the comparison's own file is inlined where the FROM
-- names it; never anything a caller sends). Keyset pagination on the
-- record key. Each record's amounts also in the reporting currency, at its own rate of its
-- fx_day (CONTRACT §5 Currency); NULL when its currency has no rate by then.
SELECT
    r.*,
    {reporting:String} AS reporting_currency,
    r.amount_a * fx.fx_rate AS amount_a_reporting,
    r.amount_b * fx.fx_rate AS amount_b_reporting,
    r.amount_diff * fx.fx_rate AS amount_diff_reporting
FROM
(
    SELECT *
    FROM ({{comparison}})
    WHERE (period IS NULL OR (period >= {from:Date} AND period <= {to:Date}))
      AND (empty({status:Array(String)}) OR status IN {status:Array(String)})
      AND ({practice:String} = '' OR practice = {practice:String})
      AND ({project:String} = '' OR project_key = {project:String})
      AND ({q:String} = '' OR positionCaseInsensitiveUTF8(record_key, {q:String}) > 0)
      AND ({after:String} = '' OR record_key > {after:String})
    ORDER BY record_key
    LIMIT {limit:UInt64}
) AS r
ASOF LEFT JOIN
-- @include fx/parts/rates.sql
AS fx ON fx.fx_currency = r.currency AND fx.fx_date <= r.fx_day
ORDER BY record_key
