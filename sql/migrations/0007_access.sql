-- Access (CONTRACT §7): users, API tokens, sessions and the audit log. Secrets are never
-- stored: tokens and session ids as SHA-256 digests, passwords as scrypt hashes.
-- Users, tokens and sessions change over time: each change is a new row and the newest row of
-- an id wins (argMax by `version`), so history is kept.

CREATE TABLE IF NOT EXISTS users
(
    id            String,
    version       DateTime64(6, 'UTC'),
    email         String,
    name          String,
    role          LowCardinality(String),
    password_hash String COMMENT 'scrypt$N$r$p$salt$hash, or empty for token/SSO-only users',
    disabled      Bool,
    created_at    DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (id, version);

CREATE TABLE IF NOT EXISTS api_tokens
(
    id           String,
    version      DateTime64(6, 'UTC'),
    kind         LowCardinality(String) COMMENT 'collector or personal',
    system       String COMMENT 'for collector tokens',
    user_id      String COMMENT 'for personal tokens',
    name         String,
    token_sha256 String,
    created_at   DateTime64(3, 'UTC'),
    expires_at   Nullable(DateTime64(3, 'UTC')),
    revoked_at   Nullable(DateTime64(3, 'UTC'))
)
ENGINE = MergeTree
ORDER BY (id, version);

CREATE TABLE IF NOT EXISTS token_usage
(
    token_id String,
    used_at  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(used_at)
ORDER BY token_id;

CREATE TABLE IF NOT EXISTS sessions
(
    id_sha256    String,
    version      DateTime64(6, 'UTC'),
    user_id      String,
    created_at   DateTime64(3, 'UTC'),
    last_seen_at DateTime64(3, 'UTC'),
    revoked      Bool
)
ENGINE = MergeTree
ORDER BY (id_sha256, version)
TTL toDateTime(last_seen_at) + INTERVAL 30 DAY;

CREATE TABLE IF NOT EXISTS audit_log
(
    id       UUID,
    at       DateTime64(6, 'UTC'),
    actor    String,
    action   LowCardinality(String),
    target   String,
    outcome  LowCardinality(String) COMMENT 'ok or denied',
    ip       String,
    details  String COMMENT 'JSON'
)
ENGINE = MergeTree
ORDER BY (at, id);
