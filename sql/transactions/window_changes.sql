-- When a health window's answer changes with time alone, nothing written: the first
-- transaction in [from, to] leaves it when `from` moves past it, and the first one after `to`
-- (a clock ahead of ours) enters it when `to` reaches it. Null: none.
SELECT
    minIf(started_at, started_at >= {from:DateTime64(3, 'UTC')} AND started_at <= {to:DateTime64(3, 'UTC')}) AS first_in,
    minIf(started_at, started_at > {to:DateTime64(3, 'UTC')}) AS next_after
FROM transactions
SETTINGS aggregate_functions_null_for_empty = 1
