-- Entity versions superseded before the cutoff. Kept: for each (kind, system, key) the version
-- that was current at the cutoff (the largest `ver` of a committed batch observed by then: `ver`
-- orders by observed_at first) and every later one, so any as_of from the cutoff on is answered
-- exactly as before; every version of a record an open (or acknowledged) exception is about;
-- rows of batches not committed (not ours to judge here).
DELETE FROM {table:Identifier}
WHERE observed_at <= {cutoff:DateTime64(3, 'UTC')}
  AND batch_uid IN (SELECT batch_uid FROM batches)
  AND key NOT IN (SELECT entity_key FROM exception_state WHERE entity_type = {entity:String} AND status != 'resolved')
  AND (kind, system, key, ver) IN
  (
      SELECT v.kind, v.system, v.key, v.ver
      FROM {table:Identifier} AS v
      INNER JOIN
      (
          SELECT kind, system, key, max(ver) AS keep
          FROM {table:Identifier}
          WHERE observed_at <= {cutoff:DateTime64(3, 'UTC')} AND batch_uid IN (SELECT batch_uid FROM batches)
          GROUP BY kind, system, key
      ) AS w ON w.kind = v.kind AND w.system = v.system AND w.key = v.key
      WHERE v.observed_at <= {cutoff:DateTime64(3, 'UTC')} AND v.ver < w.keep
        AND v.batch_uid IN (SELECT batch_uid FROM batches)
  )
