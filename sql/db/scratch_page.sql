-- One page of a scratch export table, by row-number range (the table's primary key).
SELECT * EXCEPT __n
FROM {table:Identifier}
WHERE __n >= {from:UInt64} AND __n < {to:UInt64}
ORDER BY __n
