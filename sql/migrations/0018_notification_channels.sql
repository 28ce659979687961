-- Notification channels (e-mail, Slack, Teams, signed webhook): each delivery records which
-- channel carried it. Deliveries made before this migration were webhooks.
ALTER TABLE notifications ADD COLUMN IF NOT EXISTS channel LowCardinality(String) DEFAULT 'webhook' COMMENT 'email, slack, teams or webhook';
