-- Digests (per owner, executive weekly, per subscription) and subscriptions to saved views.
-- digest_sends records each (recipient, kind, period) when its digest is handed to a channel,
-- so a restart never sends it twice; period '' is the instant a recipient was first scheduled
-- (periods before it are not owed). The summary keeps the numbers the next digest compares to.
CREATE TABLE IF NOT EXISTS digest_sends
(
    recipient String,
    kind      LowCardinality(String) COMMENT 'owner, executive or subscription',
    period    String COMMENT 'the local date the digest is for; empty: scheduled since as_of',
    as_of     DateTime64(3, 'UTC'),
    sent_at   DateTime64(6, 'UTC'),
    summary   String COMMENT 'JSON: the counts and amounts the digest carried'
)
ENGINE = ReplacingMergeTree(sent_at)
ORDER BY (recipient, kind, period);

-- A person's subscription to a saved view of the exception list. Every change is a new row
-- (the newest wins); a deletion is a row with deleted = true.
CREATE TABLE IF NOT EXISTS subscriptions
(
    id         String,
    version    DateTime64(6, 'UTC'),
    user_id    String,
    name       String,
    query      String COMMENT 'the view: GET /api/v1/exceptions query string',
    channel    LowCardinality(String) COMMENT 'email or slack',
    target     String COMMENT 'email address or Slack webhook URL',
    frequency  LowCardinality(String) COMMENT 'daily or weekly',
    local_time String,
    time_zone  String,
    weekday    String,
    created_at DateTime64(3, 'UTC'),
    deleted    Bool
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;
