-- Settings an admin changes at run time (routing, rule thresholds and severities, SLAs). Each
-- save is a new row; the newest wins over the config file's values. Kept as history.
CREATE TABLE IF NOT EXISTS settings
(
    version DateTime64(6, 'UTC'),
    actor   String,
    body    String COMMENT 'JSON: {routing, rules, sla_hours}'
)
ENGINE = MergeTree
ORDER BY version;
