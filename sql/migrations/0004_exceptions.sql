-- Exceptions (CONTRACT §4). The workflow is append-only events; current state is derived from
-- them by the exception_state view. Nothing is edited in place.

-- One row per detection run.
CREATE TABLE IF NOT EXISTS detection_runs
(
    run_id        String,
    as_of         DateTime64(3, 'UTC'),
    started_at    DateTime64(6, 'UTC'),
    finished_at   DateTime64(6, 'UTC'),
    trigger       LowCardinality(String) COMMENT 'api, schedule or ingest',
    detected      UInt32,
    opened        UInt32,
    reopened      UInt32,
    still_open    UInt32,
    auto_resolved UInt32,
    rules         String COMMENT 'JSON {rule: {count, ms}}'
)
ENGINE = MergeTree
ORDER BY started_at;

-- What a rule found about an exception: a new row only when it is new or its content changed
-- (content_hash), so a run that reproduces 50,000 unchanged exceptions writes none of these.
CREATE TABLE IF NOT EXISTS exception_detections
(
    exception_id   String,
    run_id         String,
    run_at         DateTime64(6, 'UTC'),
    rule           LowCardinality(String),
    entity_type    LowCardinality(String),
    entity_key     String,
    systems        Array(LowCardinality(String)),
    severity       LowCardinality(String),
    routed_owner   String,
    amount_at_risk Decimal(38, 8),
    currency       LowCardinality(String),
    practice       Nullable(String),
    region         Nullable(String),
    details        String COMMENT 'JSON: the values of each system side by side',
    content_hash   String
)
ENGINE = MergeTree
ORDER BY (exception_id, run_at);

-- The latest run that reproduced each exception (bookkeeping, replaced on every run).
CREATE TABLE IF NOT EXISTS exception_seen
(
    exception_id     String,
    run_id           String,
    run_at           DateTime64(6, 'UTC'),
    last_detected_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(run_at)
ORDER BY exception_id;

-- The append-only workflow: opened, reopened, auto_resolved (by detection), assigned,
-- acknowledged, commented, resolved, reopen (by people). Each with actor and time.
CREATE TABLE IF NOT EXISTS exception_events
(
    event_id     UUID,
    exception_id String,
    at           DateTime64(6, 'UTC'),
    type         LowCardinality(String),
    actor        String,
    note         String,
    owner        String COMMENT 'for assigned',
    run_id       String COMMENT 'for events of a detection run',
    detected_at  Nullable(DateTime64(3, 'UTC')) COMMENT 'as_of of the run, for opened and reopened',
    due_at       Nullable(DateTime64(3, 'UTC')) COMMENT 'from the severity SLA, for opened and reopened'
)
ENGINE = MergeTree
ORDER BY (exception_id, at, event_id);

-- Current state of every exception ever detected.
CREATE VIEW IF NOT EXISTS exception_state AS
WITH
    content AS
    (
        SELECT
            exception_id,
            argMax(tuple(rule, entity_type, entity_key, systems, severity, routed_owner, amount_at_risk, currency,
                         practice, region, details), run_at) AS c
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
