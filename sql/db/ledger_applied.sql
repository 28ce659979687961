-- Migrations already applied, with the checksum each was applied with.
SELECT version, checksum FROM schema_migrations
