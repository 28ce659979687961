-- An export's CSV lines, made by the engine: the record list (_records.sql, one key-range
-- slice of it) with each record formatted as one finished line. Each column's text is named
-- once in the subquery, and the line is made of those names. Both expressions are built from
-- the export's column list (server/exports/fast-csv-sql.ts), never from anything a caller sends.
-- Read with FORMAT RawBLOB, so the answer is the file's bytes as they are.
SELECT {{line}}
FROM (SELECT {{texts}}, record_key FROM ({{records}}))
ORDER BY record_key
