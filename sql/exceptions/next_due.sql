-- The next moment an open exception becomes overdue: until then, time alone changes no
-- exception answer (read/cache.ts keeps them that long).
SELECT min(due_at) AS at
FROM exception_state
WHERE status != 'resolved' AND due_at IS NOT NULL AND due_at > {now:DateTime64(3, 'UTC')}
