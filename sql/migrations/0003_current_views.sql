-- Current version of every entity as of a time: cur_<entity>(kind, as_of).
--
-- CONTRACT §2 "which record wins": per (system, key) the version observed last wins, ties broken
-- by the later updated_at (a missing one losing), then by arrival (received_at, line): the
-- order `ver` encodes. Only versions observed at or before as_of, and only rows of committed
-- batches, are visible. A tombstone that wins removes the key from that system. Across several
-- sources of one kind, the surviving record observed last is the kind's record.
--
-- Shape of the query, for speed on millions of rows: find each key's winning `ver` with narrow
-- aggregates (in table order: the table is sorted by kind, key, system), then read the full
-- rows of just those versions.

CREATE VIEW IF NOT EXISTS cur_account AS
WITH
    per_system AS
    (
        SELECT key, system, max(ver) AS v, argMax(deleted, ver) AS is_deleted
        FROM entity_account
        WHERE kind = {kind:String}
          AND observed_at <= {as_of:DateTime64(3, 'UTC')}
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
    name,
    parent_key,
    region,
    status,
    extra,
    observed_at
FROM entity_account
WHERE kind = {kind:String}
  AND (key, ver) IN (SELECT key, v FROM winners)
SETTINGS optimize_aggregation_in_order = 1;

CREATE VIEW IF NOT EXISTS cur_opportunity AS
WITH
    per_system AS
    (
        SELECT key, system, max(ver) AS v, argMax(deleted, ver) AS is_deleted
        FROM entity_opportunity
        WHERE kind = {kind:String}
          AND observed_at <= {as_of:DateTime64(3, 'UTC')}
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
    account_key,
    name,
    stage,
    amount,
    currency,
    close_date,
    is_won,
    is_closed,
    won_at,
    owner_email,
    extra,
    observed_at
FROM entity_opportunity
WHERE kind = {kind:String}
  AND (key, ver) IN (SELECT key, v FROM winners)
SETTINGS optimize_aggregation_in_order = 1;

CREATE VIEW IF NOT EXISTS cur_project AS
WITH
    per_system AS
    (
        SELECT key, system, max(ver) AS v, argMax(deleted, ver) AS is_deleted
        FROM entity_project
        WHERE kind = {kind:String}
          AND observed_at <= {as_of:DateTime64(3, 'UTC')}
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
    account_key,
    opportunity_key,
    name,
    status,
    billing_type,
    start_date,
    end_date,
    budget_hours,
    budget_amount,
    currency,
    practice,
    region,
    manager_email,
    created_at,
    extra,
    observed_at
FROM entity_project
WHERE kind = {kind:String}
  AND (key, ver) IN (SELECT key, v FROM winners)
SETTINGS optimize_aggregation_in_order = 1;

CREATE VIEW IF NOT EXISTS cur_resource AS
WITH
    per_system AS
    (
        SELECT key, system, max(ver) AS v, argMax(deleted, ver) AS is_deleted
        FROM entity_resource
        WHERE kind = {kind:String}
          AND observed_at <= {as_of:DateTime64(3, 'UTC')}
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
    name,
    email,
    practice,
    region,
    employment_type,
    status,
    hire_date,
    termination_date,
    weekly_capacity_hours,
    cost_rate,
    currency,
    extra,
    observed_at
FROM entity_resource
WHERE kind = {kind:String}
  AND (key, ver) IN (SELECT key, v FROM winners)
SETTINGS optimize_aggregation_in_order = 1;

CREATE VIEW IF NOT EXISTS cur_assignment AS
WITH
    per_system AS
    (
        SELECT key, system, max(ver) AS v, argMax(deleted, ver) AS is_deleted
        FROM entity_assignment
        WHERE kind = {kind:String}
          AND observed_at <= {as_of:DateTime64(3, 'UTC')}
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
    project_key,
    resource_key,
    role,
    start_date,
    end_date,
    planned_hours,
    bill_rate,
    currency,
    status,
    extra,
    observed_at
FROM entity_assignment
WHERE kind = {kind:String}
  AND (key, ver) IN (SELECT key, v FROM winners)
SETTINGS optimize_aggregation_in_order = 1;

CREATE VIEW IF NOT EXISTS cur_rate_card AS
WITH
    per_system AS
    (
        SELECT key, system, max(ver) AS v, argMax(deleted, ver) AS is_deleted
        FROM entity_rate_card
        WHERE kind = {kind:String}
          AND observed_at <= {as_of:DateTime64(3, 'UTC')}
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
    project_key,
    role,
    bill_rate,
    currency,
    effective_from,
    effective_to,
    extra,
    observed_at
FROM entity_rate_card
WHERE kind = {kind:String}
  AND (key, ver) IN (SELECT key, v FROM winners)
SETTINGS optimize_aggregation_in_order = 1;

CREATE VIEW IF NOT EXISTS cur_time_entry AS
WITH
    per_system AS
    (
        SELECT key, system, max(ver) AS v, argMax(deleted, ver) AS is_deleted
        FROM entity_time_entry
        WHERE kind = {kind:String}
          AND observed_at <= {as_of:DateTime64(3, 'UTC')}
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
  AND (key, ver) IN (SELECT key, v FROM winners)
SETTINGS optimize_aggregation_in_order = 1;

CREATE VIEW IF NOT EXISTS cur_expense AS
WITH
    per_system AS
    (
        SELECT key, system, max(ver) AS v, argMax(deleted, ver) AS is_deleted
        FROM entity_expense
        WHERE kind = {kind:String}
          AND observed_at <= {as_of:DateTime64(3, 'UTC')}
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
  AND (key, ver) IN (SELECT key, v FROM winners)
SETTINGS optimize_aggregation_in_order = 1;

CREATE VIEW IF NOT EXISTS cur_invoice AS
WITH
    per_system AS
    (
        SELECT key, system, max(ver) AS v, argMax(deleted, ver) AS is_deleted
        FROM entity_invoice
        WHERE kind = {kind:String}
          AND observed_at <= {as_of:DateTime64(3, 'UTC')}
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
    account_key,
    project_key,
    invoice_date,
    period_start,
    period_end,
    amount,
    currency,
    status,
    due_date,
    paid_at,
    extra,
    observed_at
FROM entity_invoice
WHERE kind = {kind:String}
  AND (key, ver) IN (SELECT key, v FROM winners)
SETTINGS optimize_aggregation_in_order = 1;
