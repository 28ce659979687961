-- The engine's version, for /api/v1/health.
SELECT version() AS v
