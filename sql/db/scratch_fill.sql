-- An export's rows written to a scratch table on disk, numbered in order (server/db/stream.ts,
-- embedded engine only). The placeholder is the text of the export's own sql/ file, filled in
-- by wrapSql, never anything a caller sends; its parameters are bound with the table's name.
CREATE TABLE {table:Identifier}
ENGINE = MergeTree
ORDER BY __n
AS SELECT rowNumberInAllBlocks() AS __n, *
FROM
(
{{query}}
)
