-- An export's sheet rows, made by the engine: the record list (_records.sql, one key-range
-- slice of it) with each record as one finished <row> element, numbered on from the rows
-- already written. Each column's text and the row number are computed once in the subquery,
-- in record order, and the row is made of those names. Both expressions are built from the
-- export's column list (server/exports/fast-xlsx-sql.ts), never from anything a caller sends.
-- Read with FORMAT RawBLOB.
SELECT {{row}}
FROM (SELECT {{texts}} FROM ({{records}}))
