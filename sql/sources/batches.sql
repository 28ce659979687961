-- Per source: its newest batch, newest observation and reject counts (duplicates are never
-- recorded as batches, so they do not count as fresh data).
SELECT
    system,
    count() AS batches,
    max(observed_at) AS last_observed_at,
    max(received_at) AS last_received_at,
    argMax(entity, received_at) AS last_entity,
    argMax(batch_id, received_at) AS last_batch,
    sum(accepted) AS accepted,
    sum(rejected) AS rejected
FROM batches
GROUP BY system
