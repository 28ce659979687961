-- Amounts at risk in the reporting currency (CONTRACT §5 Currency). Each detection keeps its
-- `amount_at_risk` in its record's currency and adds the amount converted per §5 (null when no
-- rate applies), with the reporting currency it was converted to: a run after the reporting
-- currency changes stores new content (the content hash covers both). Rows detected before this
-- migration had no conversion: their amount is taken as it stands, in their own currency.
ALTER TABLE exception_detections ADD COLUMN IF NOT EXISTS amount_at_risk_reporting Nullable(Decimal(38, 8)) DEFAULT amount_at_risk AFTER currency;
ALTER TABLE exception_detections ADD COLUMN IF NOT EXISTS reporting_currency LowCardinality(String) DEFAULT currency AFTER amount_at_risk_reporting;

-- exception_state as in 0004, with the two columns after `currency`.
CREATE OR REPLACE VIEW exception_state AS
WITH
    content AS
    (
        SELECT
            exception_id,
            argMax(tuple(rule, entity_type, entity_key, systems, severity, routed_owner, amount_at_risk, currency,
                         practice, region, details, amount_at_risk_reporting, reporting_currency), run_at) AS c
        FROM exception_detections
        GROUP BY exception_id
    ),
    seen AS
    (
        SELECT exception_id, max(last_detected_at) AS last_detected_at
        FROM exception_seen
        GROUP BY exception_id
    ),
    ev AS
    (
        SELECT
            exception_id,
            argMaxIf(type, tuple(at, event_id), type IN ('opened', 'reopened', 'reopen', 'acknowledged', 'resolved', 'auto_resolved')) AS last_state,
            argMaxIf(owner, tuple(at, event_id), type = 'assigned') AS assigned_owner,
            countIf(type = 'assigned') > 0 AS is_assigned,
            minIf(detected_at, type = 'opened') AS first_detected_at,
            argMaxIf(due_at, tuple(at, event_id), type IN ('opened', 'reopened')) AS due_at,
            max(at) AS updated_at,
            argMaxIf(at, tuple(at, event_id), type IN ('resolved', 'auto_resolved')) AS resolved_at
        FROM exception_events
        GROUP BY exception_id
    )
SELECT
    ev.exception_id AS id,
    content.c.1 AS rule,
    content.c.2 AS entity_type,
    content.c.3 AS entity_key,
    content.c.4 AS systems,
    content.c.5 AS severity,
    if(ev.is_assigned, ev.assigned_owner, content.c.6) AS owner,
    multiIf(ev.last_state = 'acknowledged', 'acknowledged',
            ev.last_state IN ('resolved', 'auto_resolved'), 'resolved',
            'open') AS status,
    multiIf(ev.last_state = 'resolved', 'manual', ev.last_state = 'auto_resolved', 'auto', NULL) AS resolution,
    content.c.7 AS amount_at_risk,
    content.c.8 AS currency,
    content.c.12 AS amount_at_risk_reporting,
    content.c.13 AS reporting_currency,
    content.c.9 AS practice,
    content.c.10 AS region,
    content.c.11 AS details,
    ev.first_detected_at AS first_detected_at,
    seen.last_detected_at AS last_detected_at,
    ev.due_at AS due_at,
    ev.updated_at AS updated_at,
    if(status = 'resolved', ev.resolved_at, NULL) AS resolved_at
FROM ev
INNER JOIN content ON content.exception_id = ev.exception_id
LEFT JOIN seen ON seen.exception_id = ev.exception_id
SETTINGS join_use_nulls = 1;
