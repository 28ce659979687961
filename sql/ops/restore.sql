-- Restores a backup of ops/backup.sql into this (fresh) database: tables the start just created
-- take the backup's rows; the migration ledger stays this server's own. Filled as backup.sql is.
RESTORE DATABASE {{database}} EXCEPT TABLES {{database}}.schema_migrations FROM {{destination}}
SETTINGS allow_non_empty_tables = true
