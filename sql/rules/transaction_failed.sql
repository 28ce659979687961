-- transaction_failed (CONTRACT §4): for some workflow, the latest transaction of that
-- (workflow, entity type, entity key) failed; a transaction's time is its earliest span start,
-- only those starting at or before `as_of` count, and all their spans count; the root span (no
-- parent) carries the workflow and entity. Amount at risk: 0.
-- One exception per entity: the workflows whose latest run failed are listed in its details.
WITH latest AS
(
    SELECT
        workflow,
        entity_type,
        entity_key,
        argMax(tuple(failed, trace_id, failed_step, error_message, started_at, systems), tuple(started_at, trace_id)) AS t,
        count() AS attempts
    FROM transactions
    WHERE started_at <= {as_of:DateTime64(3, 'UTC')}
      AND workflow != '' AND entity_key != ''
    GROUP BY workflow, entity_type, entity_key
)
SELECT
    entity_key,
    entity_type,
    arraySort(arrayDistinct(arrayFlatten(groupArray(t.6)))) AS systems,
    toDecimal128(0, 8) AS amount_at_risk,
    {reporting:String} AS currency,
    CAST(toDecimal128(0, 8), 'Nullable(Decimal(38, 8))') AS amount_at_risk_reporting,
    CAST(NULL, 'Nullable(String)') AS practice,
    CAST(NULL, 'Nullable(String)') AS region,
    groupArray(workflow) AS `transaction.workflows`,
    groupArray(t.2) AS `transaction.trace_ids`,
    groupArray(t.3) AS `transaction.failed_steps`,
    groupArray(t.4) AS `transaction.error_messages`,
    groupArray(toString(t.5)) AS `transaction.started_at`,
    sum(attempts) AS `transaction.attempts`
FROM latest
WHERE t.1
GROUP BY entity_type, entity_key
