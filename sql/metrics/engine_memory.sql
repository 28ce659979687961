-- Memory the engine tracks as in use, in bytes, for GET /metrics (read at each scrape; cheap).
SELECT toString(value) AS bytes FROM system.metrics WHERE metric = 'MemoryTracking'
