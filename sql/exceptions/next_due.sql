-- The next moment time alone changes an exception answer: an open exception becoming overdue,
-- or a snooze ending (any snooze's end, held or not: at worst a needless recompute). Until then
-- read/cache.ts keeps them.
SELECT min(at) AS at
FROM
(
    SELECT due_at AS at
    FROM exception_state
    WHERE status != 'resolved' AND due_at IS NOT NULL AND due_at > {now:DateTime64(3, 'UTC')}
    UNION ALL
    SELECT snoozed_until AS at
    FROM exception_events
    WHERE type = 'snoozed' AND snoozed_until > {now:DateTime64(3, 'UTC')}
)
