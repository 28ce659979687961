-- Stages the rows of the batches of one or more applications ({uids}[i] belongs to application
-- {applies}[i]), read from history in one pass. The received_at range skips older parts when
-- the batches are fresh.
INSERT INTO derived_time_stage
SELECT
    transform(batch_uid, {uids:Array(String)}, {applies:Array(UInt64)}, toUInt64(0)) AS apply,
    key, kind, system, ver, deleted, resource_key, project_key, work_date, hours, billable, status, bill_rate, currency,
    approved_at, invoice_key
FROM entity_time_entry
WHERE received_at >= {received_from:DateTime64(6, 'UTC')} AND received_at <= {received_to:DateTime64(6, 'UTC')}
  AND batch_uid IN {uids:Array(String)}
