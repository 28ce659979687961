-- Snoozing an exception (triage action `snooze`, event `snoozed`) and idempotent triage requests.
-- A snoozed event carries until when, and the amounts at risk when it was snoozed: the exception
-- leaves the default list until then, or sooner if its amount grows (sql/exceptions/parts/snoozed_state.sql).
ALTER TABLE exception_events ADD COLUMN IF NOT EXISTS snoozed_until Nullable(DateTime64(3, 'UTC')) COMMENT 'snoozed: when it comes back';
ALTER TABLE exception_events ADD COLUMN IF NOT EXISTS snoozed_amount Nullable(Decimal(38, 8)) COMMENT 'snoozed: amount_at_risk then';
ALTER TABLE exception_events ADD COLUMN IF NOT EXISTS snoozed_amount_reporting Nullable(Decimal(38, 8)) COMMENT 'snoozed: amount_at_risk_reporting then';
-- The Idempotency-Key of the triage request that wrote the event: a resent request finds it.
ALTER TABLE exception_events ADD COLUMN IF NOT EXISTS request_id String DEFAULT '' COMMENT 'triage: the request idempotency key';
