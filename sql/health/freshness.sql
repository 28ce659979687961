-- How fresh each system's data is: its latest snapshot time, latest arrival, and batch count.
SELECT system, max(observed_at) AS last_observed_at, max(received_at) AS last_received_at, count() AS batches
FROM batches
GROUP BY system
