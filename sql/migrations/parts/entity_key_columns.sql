-- The leading columns of every entity table (0001): where a row comes from, which record it is,
-- and whether it is a tombstone. Part of a shipped migration: its text must not change.
    system      LowCardinality(String),
    kind        LowCardinality(String),
    key         String,
    native_id   Nullable(String),
    updated_at  Nullable(DateTime64(3, 'UTC')),
    deleted     Bool,
