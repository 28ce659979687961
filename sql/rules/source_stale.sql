-- source_stale (CONTRACT §4): a configured source whose newest `observed_at` among its batches
-- (duplicates aside) at or before `as_of` is more than 24 h before `as_of`, or that has none.
-- Amount at risk: 0. Duplicate batches are never recorded in `batches`.
SELECT
    cfg.system AS entity_key,
    [cfg.system] AS systems,
    toDecimal128(0, 8) AS amount_at_risk,
    {reporting:String} AS currency,
    CAST(toDecimal128(0, 8), 'Nullable(Decimal(38, 8))') AS amount_at_risk_reporting,
    CAST(NULL, 'Nullable(String)') AS practice,
    CAST(NULL, 'Nullable(String)') AS region,
    cfg.kind AS `source.kind`,
    b.last_observed_at AS `source.last_observed_at`,
    b.batches AS `source.batches`,
    {max_age_hours:Float64} AS `source.max_age_hours`
FROM
(
    SELECT arrayJoin(arrayZip({systems:Array(String)}, {kinds:Array(String)})) AS s, s.1 AS system, s.2 AS kind
) AS cfg
LEFT JOIN
(
    SELECT system, max(observed_at) AS last_observed_at, count() AS batches
    FROM batches
    WHERE observed_at <= {as_of:DateTime64(3, 'UTC')}
    GROUP BY system
) AS b ON b.system = cfg.system
WHERE b.last_observed_at IS NULL
   OR b.last_observed_at < {as_of:DateTime64(3, 'UTC')} - toIntervalMillisecond(toInt64({max_age_hours:Float64} * 3600000))
