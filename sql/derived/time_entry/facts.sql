-- An application's change to fact_time_entry: each touched key's sides after (side 1) minus
-- before (side -1), summed per dimension; dimensions whose sums did not move leave no row.
INSERT INTO fact_time_entry (kind, project_key, resource_key, work_date, status, billable, invoiced, invoice_key, currency, valid_from,
                             entries, hours, amount, rec_entries, rec_hours, rec_amount)
SELECT
    c.1 AS kind,
    c.3 AS project_key,
    c.4 AS resource_key,
    c.5 AS work_date,
    c.6 AS status,
    c.7 AS billable,
    c.13 AS invoiced,
    c.8 AS invoice_key,
    c.9 AS currency,
    {valid_from:DateTime64(3, 'UTC')} AS valid_from,
    sum(side) AS entries,
    sum(side * c.10) AS hours,
    sum(side * c.11) AS amount,
    sum(side * c.12) AS rec_entries,
    sum(side * c.12 * c.10) AS rec_hours,
    sum(side * c.12 * c.11) AS rec_amount
FROM
(
    SELECT
        side,
        arrayJoin([
            tuple('psa', has_p, p_project_key, p_resource_key, p_work_date, p_status, p_billable, ifNull(p_invoice_key, ''),
                  ifNull(p_currency, ''), p_hours, p_hours * ifNull(p_bill_rate, toDecimal128(0, 8)),
                  toInt8(has_e AND abs(e_hours - p_hours) <= 0.01), p_invoice_key IS NOT NULL),
            tuple('erp', has_e, e_project_key, e_resource_key, e_work_date, e_status, e_billable, ifNull(e_invoice_key, ''),
                  ifNull(e_currency, ''), e_hours, e_hours * ifNull(e_bill_rate, toDecimal128(0, 8)),
                  toInt8(has_p AND abs(p_hours - e_hours) <= 0.01), e_invoice_key IS NOT NULL)
        ]) AS c
    FROM derived_time_change
    WHERE apply = {apply:UInt64}
)
WHERE c.2
GROUP BY kind, project_key, resource_key, work_date, status, billable, invoiced, invoice_key, currency
HAVING entries != 0 OR hours != 0 OR amount != 0 OR rec_entries != 0 OR rec_hours != 0 OR rec_amount != 0
