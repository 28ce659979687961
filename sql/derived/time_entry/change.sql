-- One side of an application's change: the pairs of the keys its batches touch, as they stand
-- in now_time_entry before the batches' rows go in (side -1) and after (side 1).
INSERT INTO derived_time_change
SELECT {apply:UInt64} AS apply, {side:Int8} AS side, *
FROM time_entry_pairs
WHERE key IN (SELECT key FROM derived_time_stage WHERE apply = {apply:UInt64})
