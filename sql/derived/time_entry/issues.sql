-- An application's change to now_time_issue: the new state of every touched key that is a
-- candidate for a per-key rule, and a deletion (is_deleted) for every key that was one. Both
-- in one insert; a key that still is one gets the later seq, so its new state wins.
INSERT INTO now_time_issue
SELECT
    key, {apply:UInt64} * 2 + (side = 1) AS seq, side = -1 AS is_deleted,
    p_system, p_resource_key, p_project_key, p_work_date, p_hours, p_billable, p_status, p_bill_rate, p_currency, p_approved_at,
    has_e, e_system, e_work_date, e_hours, e_status, e_bill_rate, e_invoice_key
FROM derived_time_change
WHERE apply = {apply:UInt64}
  AND has_p AND ((p_status = 'approved' AND NOT has_e) OR (has_e AND p_hours != e_hours))
