-- Empties one derived or work table (server/derived/time-entries.ts) before a rebuild or at
-- start; the name comes from the module's own list of tables.
TRUNCATE TABLE {table:Identifier}
