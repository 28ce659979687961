-- A scratch export table, dropped once the export has been read (or failed).
DROP TABLE IF EXISTS {table:Identifier}
