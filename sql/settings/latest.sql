-- The newest saved settings, applied over the config file at start.
SELECT body, toString(version) AS version, actor
FROM settings
ORDER BY version DESC
LIMIT 1
