-- The batches an entity's derived tables hold (done), or started to apply and never finished.
SELECT batch_uid, any(valid_from) AS valid_from, any(out_of_order) AS out_of_order, max(done) AS done
FROM derived_applied
WHERE entity = {entity:String}
GROUP BY batch_uid
