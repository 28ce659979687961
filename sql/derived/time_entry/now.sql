-- The batches' rows into now_time_entry (between the two sides of the change).
INSERT INTO now_time_entry
SELECT key, kind, system, ver, deleted, resource_key, project_key, work_date, hours, billable, status, bill_rate, currency,
       approved_at, invoice_key
FROM entity_time_entry
WHERE received_at >= {received_from:DateTime64(6, 'UTC')} AND received_at <= {received_to:DateTime64(6, 'UTC')}
  AND batch_uid IN {uids:Array(String)}
