-- Key-range slices of the current state of the two high-volume entities, for exports: the
-- same rows as cur_time_entry / cur_expense restricted to key_after < key <= key_upto (an empty
-- key_upto: no upper bound). The range reaches the version scan inside the view, so a slice
-- reads only its own granules (the tables are ordered by kind, key) and holds only its own
-- winners: an export walks a million records slice by slice in bounded memory, where one query
-- over the whole comparison would hold both sides' winners and the join in the server process.

CREATE VIEW IF NOT EXISTS cur_time_entry_range AS
WITH
    per_system AS
    (
        SELECT key, system, max(ver) AS v, argMax(deleted, ver) AS is_deleted
        FROM entity_time_entry
        WHERE kind = {kind:String}
          AND observed_at <= {as_of:DateTime64(3, 'UTC')}
          AND key > {key_after:String}
          AND ({key_upto:String} = '' OR key <= {key_upto:String})
          AND batch_uid IN (SELECT batch_uid FROM batches)
        GROUP BY key, system
    ),
    winners AS
    (
        SELECT key, max(v) AS v FROM per_system WHERE NOT is_deleted GROUP BY key
    )
SELECT
    key,
    system,
    native_id,
    updated_at,
    resource_key,
    project_key,
    work_date,
    hours,
    billable,
    status,
    bill_rate,
    currency,
    approved_at,
    invoice_key,
    extra,
    observed_at
FROM entity_time_entry
WHERE kind = {kind:String}
  AND key > {key_after:String}
  AND ({key_upto:String} = '' OR key <= {key_upto:String})
  AND (cityHash64(key), ver) IN (SELECT cityHash64(key), v FROM winners)
SETTINGS optimize_aggregation_in_order = 1;

CREATE VIEW IF NOT EXISTS cur_expense_range AS
WITH
    per_system AS
    (
        SELECT key, system, max(ver) AS v, argMax(deleted, ver) AS is_deleted
        FROM entity_expense
        WHERE kind = {kind:String}
          AND observed_at <= {as_of:DateTime64(3, 'UTC')}
          AND key > {key_after:String}
          AND ({key_upto:String} = '' OR key <= {key_upto:String})
          AND batch_uid IN (SELECT batch_uid FROM batches)
        GROUP BY key, system
    ),
    winners AS
    (
        SELECT key, max(v) AS v FROM per_system WHERE NOT is_deleted GROUP BY key
    )
SELECT
    key,
    system,
    native_id,
    updated_at,
    resource_key,
    project_key,
    expense_date,
    amount,
    currency,
    billable,
    status,
    invoice_key,
    extra,
    observed_at
FROM entity_expense
WHERE kind = {kind:String}
  AND key > {key_after:String}
  AND ({key_upto:String} = '' OR key <= {key_upto:String})
  AND (cityHash64(key), ver) IN (SELECT cityHash64(key), v FROM winners)
SETTINGS optimize_aggregation_in_order = 1;
