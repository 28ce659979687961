-- An application's rows into now_time_entry (between the two sides of the change).
INSERT INTO now_time_entry
SELECT key, kind, system, ver, deleted, resource_key, project_key, work_date, hours, billable, status, bill_rate, currency,
       approved_at, invoice_key
FROM derived_time_stage
WHERE apply = {apply:UInt64}
