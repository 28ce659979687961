-- Key-range slices of the current state of the two high-volume entities: the records of
-- cur_time_entry / cur_expense restricted to key_after < key <= key_upto (an empty key_upto: no
-- upper bound). The range reaches the version scan inside the view, so a slice reads only its
-- own granules (the tables are ordered by kind, key) and holds only its own winners: an export
-- walks a million records slice by slice in bounded memory, where one query over the whole
-- comparison would hold both sides' winners and their join in the server process.
--
-- Winners are matched on (cityHash64(key), ver) rather than (key, ver): hashing 16-byte pairs
-- instead of strings takes about a third off each read of a million time entries. A false match
-- needs two keys with the same 64-bit hash *and* the same packed version (observed_at,
-- updated_at, arrival microsecond and line), which one ingest process never produces.

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

-- cur_time_entry is the whole key range of cur_time_entry_range: one definition of a time
-- entry's winner for the five rules that read it and for exports.
CREATE OR REPLACE VIEW cur_time_entry AS
SELECT *
FROM cur_time_entry_range(kind = {kind:String}, as_of = {as_of:DateTime64(3, 'UTC')}, key_after = '', key_upto = '');
