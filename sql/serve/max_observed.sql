-- The newest observed_at of any batch, so the read cache starts knowing how fresh the data is.
SELECT max(observed_at) AS at FROM batches
