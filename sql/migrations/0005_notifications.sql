-- Webhook notifications to owner teams (exception opened, exception overdue). Each delivery is
-- stored before it is sent and every attempt is recorded, so a failure is visible and a
-- restart resumes what was pending: nothing is lost silently.
CREATE TABLE IF NOT EXISTS notifications
(
    delivery_id  UUID,
    owner        String,
    event        LowCardinality(String) COMMENT 'opened or overdue',
    url          String,
    payload      String,
    created_at   DateTime64(6, 'UTC')
)
ENGINE = MergeTree
ORDER BY (created_at, delivery_id);

CREATE TABLE IF NOT EXISTS notification_items
(
    delivery_id  UUID,
    exception_id String,
    event        LowCardinality(String)
)
ENGINE = MergeTree
ORDER BY (exception_id, event);

CREATE TABLE IF NOT EXISTS notification_attempts
(
    delivery_id  UUID,
    attempt      UInt16,
    at           DateTime64(6, 'UTC'),
    ok           Bool,
    status_code  UInt16,
    error        String
)
ENGINE = MergeTree
ORDER BY (delivery_id, attempt);
