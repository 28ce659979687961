-- One side of an application's change: the pairs of the keys its batches touch, as they stand
-- in now_time_entry before the batches' rows go in (side -1) and after (side 1). The batches'
-- rows are found by their received_at range first, which skips every older part.
INSERT INTO derived_time_change
SELECT {apply:UInt64} AS apply, {side:Int8} AS side, *
FROM time_entry_pairs
WHERE key IN (
      SELECT key FROM entity_time_entry
      WHERE received_at >= {received_from:DateTime64(6, 'UTC')} AND received_at <= {received_to:DateTime64(6, 'UTC')}
        AND batch_uid IN {uids:Array(String)}
  )
