-- Current version of every entity as of a time: cur_<entity>(kind, as_of).
--
-- CONTRACT §2 "which record wins": per (system, key) the version observed last wins, ties broken
-- by the later updated_at (a missing one losing), then by arrival (received_at, line). Only
-- versions observed at or before as_of, and only rows of committed batches, are visible.
-- A tombstone that wins removes the key from that system. Across several sources of one kind,
-- the surviving record observed last is the kind's record; `systems` lists every source of the
-- kind that holds the key.

CREATE VIEW IF NOT EXISTS cur_account AS
WITH per_system AS (
    SELECT
        system,
        key,
        argMax(tuple(deleted, native_id, updated_at, name, parent_key, region, status, extra),
               tuple(observed_at, ifNull(updated_at, toDateTime64(0, 3, 'UTC')), received_at, line)) AS v,
        max(tuple(observed_at, ifNull(updated_at, toDateTime64(0, 3, 'UTC')), received_at, line)) AS version
    FROM entity_account
    WHERE kind = {kind:String}
      AND observed_at <= {as_of:DateTime64(3, 'UTC')}
      AND batch_uid IN (SELECT batch_uid FROM batches)
    GROUP BY system, key
),
per_kind AS (
    SELECT key, argMax(tuple(system, v), version) AS w, groupArray(system) AS systems, max(version).1 AS observed_at
    FROM per_system
    WHERE NOT v.1
    GROUP BY key
)
SELECT
    key,
    w.1 AS system,
    systems,
    w.2.2 AS native_id,
    w.2.3 AS updated_at,
    w.2.4 AS name,
    w.2.5 AS parent_key,
    w.2.6 AS region,
    w.2.7 AS status,
    w.2.8 AS extra,
    observed_at
FROM per_kind;

CREATE VIEW IF NOT EXISTS cur_opportunity AS
WITH per_system AS (
    SELECT
        system,
        key,
        argMax(tuple(deleted, native_id, updated_at, account_key, name, stage, amount, currency, close_date, is_won, is_closed, won_at, owner_email, extra),
               tuple(observed_at, ifNull(updated_at, toDateTime64(0, 3, 'UTC')), received_at, line)) AS v,
        max(tuple(observed_at, ifNull(updated_at, toDateTime64(0, 3, 'UTC')), received_at, line)) AS version
    FROM entity_opportunity
    WHERE kind = {kind:String}
      AND observed_at <= {as_of:DateTime64(3, 'UTC')}
      AND batch_uid IN (SELECT batch_uid FROM batches)
    GROUP BY system, key
),
per_kind AS (
    SELECT key, argMax(tuple(system, v), version) AS w, groupArray(system) AS systems, max(version).1 AS observed_at
    FROM per_system
    WHERE NOT v.1
    GROUP BY key
)
SELECT
    key,
    w.1 AS system,
    systems,
    w.2.2 AS native_id,
    w.2.3 AS updated_at,
    w.2.4 AS account_key,
    w.2.5 AS name,
    w.2.6 AS stage,
    w.2.7 AS amount,
    w.2.8 AS currency,
    w.2.9 AS close_date,
    w.2.10 AS is_won,
    w.2.11 AS is_closed,
    w.2.12 AS won_at,
    w.2.13 AS owner_email,
    w.2.14 AS extra,
    observed_at
FROM per_kind;

CREATE VIEW IF NOT EXISTS cur_project AS
WITH per_system AS (
    SELECT
        system,
        key,
        argMax(tuple(deleted, native_id, updated_at, account_key, opportunity_key, name, status, billing_type, start_date, end_date, budget_hours, budget_amount, currency, practice, region, manager_email, created_at, extra),
               tuple(observed_at, ifNull(updated_at, toDateTime64(0, 3, 'UTC')), received_at, line)) AS v,
        max(tuple(observed_at, ifNull(updated_at, toDateTime64(0, 3, 'UTC')), received_at, line)) AS version
    FROM entity_project
    WHERE kind = {kind:String}
      AND observed_at <= {as_of:DateTime64(3, 'UTC')}
      AND batch_uid IN (SELECT batch_uid FROM batches)
    GROUP BY system, key
),
per_kind AS (
    SELECT key, argMax(tuple(system, v), version) AS w, groupArray(system) AS systems, max(version).1 AS observed_at
    FROM per_system
    WHERE NOT v.1
    GROUP BY key
)
SELECT
    key,
    w.1 AS system,
    systems,
    w.2.2 AS native_id,
    w.2.3 AS updated_at,
    w.2.4 AS account_key,
    w.2.5 AS opportunity_key,
    w.2.6 AS name,
    w.2.7 AS status,
    w.2.8 AS billing_type,
    w.2.9 AS start_date,
    w.2.10 AS end_date,
    w.2.11 AS budget_hours,
    w.2.12 AS budget_amount,
    w.2.13 AS currency,
    w.2.14 AS practice,
    w.2.15 AS region,
    w.2.16 AS manager_email,
    w.2.17 AS created_at,
    w.2.18 AS extra,
    observed_at
FROM per_kind;

CREATE VIEW IF NOT EXISTS cur_resource AS
WITH per_system AS (
    SELECT
        system,
        key,
        argMax(tuple(deleted, native_id, updated_at, name, email, practice, region, employment_type, status, hire_date, termination_date, weekly_capacity_hours, cost_rate, currency, extra),
               tuple(observed_at, ifNull(updated_at, toDateTime64(0, 3, 'UTC')), received_at, line)) AS v,
        max(tuple(observed_at, ifNull(updated_at, toDateTime64(0, 3, 'UTC')), received_at, line)) AS version
    FROM entity_resource
    WHERE kind = {kind:String}
      AND observed_at <= {as_of:DateTime64(3, 'UTC')}
      AND batch_uid IN (SELECT batch_uid FROM batches)
    GROUP BY system, key
),
per_kind AS (
    SELECT key, argMax(tuple(system, v), version) AS w, groupArray(system) AS systems, max(version).1 AS observed_at
    FROM per_system
    WHERE NOT v.1
    GROUP BY key
)
SELECT
    key,
    w.1 AS system,
    systems,
    w.2.2 AS native_id,
    w.2.3 AS updated_at,
    w.2.4 AS name,
    w.2.5 AS email,
    w.2.6 AS practice,
    w.2.7 AS region,
    w.2.8 AS employment_type,
    w.2.9 AS status,
    w.2.10 AS hire_date,
    w.2.11 AS termination_date,
    w.2.12 AS weekly_capacity_hours,
    w.2.13 AS cost_rate,
    w.2.14 AS currency,
    w.2.15 AS extra,
    observed_at
FROM per_kind;

CREATE VIEW IF NOT EXISTS cur_assignment AS
WITH per_system AS (
    SELECT
        system,
        key,
        argMax(tuple(deleted, native_id, updated_at, project_key, resource_key, role, start_date, end_date, planned_hours, bill_rate, currency, status, extra),
               tuple(observed_at, ifNull(updated_at, toDateTime64(0, 3, 'UTC')), received_at, line)) AS v,
        max(tuple(observed_at, ifNull(updated_at, toDateTime64(0, 3, 'UTC')), received_at, line)) AS version
    FROM entity_assignment
    WHERE kind = {kind:String}
      AND observed_at <= {as_of:DateTime64(3, 'UTC')}
      AND batch_uid IN (SELECT batch_uid FROM batches)
    GROUP BY system, key
),
per_kind AS (
    SELECT key, argMax(tuple(system, v), version) AS w, groupArray(system) AS systems, max(version).1 AS observed_at
    FROM per_system
    WHERE NOT v.1
    GROUP BY key
)
SELECT
    key,
    w.1 AS system,
    systems,
    w.2.2 AS native_id,
    w.2.3 AS updated_at,
    w.2.4 AS project_key,
    w.2.5 AS resource_key,
    w.2.6 AS role,
    w.2.7 AS start_date,
    w.2.8 AS end_date,
    w.2.9 AS planned_hours,
    w.2.10 AS bill_rate,
    w.2.11 AS currency,
    w.2.12 AS status,
    w.2.13 AS extra,
    observed_at
FROM per_kind;

CREATE VIEW IF NOT EXISTS cur_rate_card AS
WITH per_system AS (
    SELECT
        system,
        key,
        argMax(tuple(deleted, native_id, updated_at, project_key, role, bill_rate, currency, effective_from, effective_to, extra),
               tuple(observed_at, ifNull(updated_at, toDateTime64(0, 3, 'UTC')), received_at, line)) AS v,
        max(tuple(observed_at, ifNull(updated_at, toDateTime64(0, 3, 'UTC')), received_at, line)) AS version
    FROM entity_rate_card
    WHERE kind = {kind:String}
      AND observed_at <= {as_of:DateTime64(3, 'UTC')}
      AND batch_uid IN (SELECT batch_uid FROM batches)
    GROUP BY system, key
),
per_kind AS (
    SELECT key, argMax(tuple(system, v), version) AS w, groupArray(system) AS systems, max(version).1 AS observed_at
    FROM per_system
    WHERE NOT v.1
    GROUP BY key
)
SELECT
    key,
    w.1 AS system,
    systems,
    w.2.2 AS native_id,
    w.2.3 AS updated_at,
    w.2.4 AS project_key,
    w.2.5 AS role,
    w.2.6 AS bill_rate,
    w.2.7 AS currency,
    w.2.8 AS effective_from,
    w.2.9 AS effective_to,
    w.2.10 AS extra,
    observed_at
FROM per_kind;

CREATE VIEW IF NOT EXISTS cur_time_entry AS
WITH per_system AS (
    SELECT
        system,
        key,
        argMax(tuple(deleted, native_id, updated_at, resource_key, project_key, work_date, hours, billable, status, bill_rate, currency, approved_at, invoice_key, extra),
               tuple(observed_at, ifNull(updated_at, toDateTime64(0, 3, 'UTC')), received_at, line)) AS v,
        max(tuple(observed_at, ifNull(updated_at, toDateTime64(0, 3, 'UTC')), received_at, line)) AS version
    FROM entity_time_entry
    WHERE kind = {kind:String}
      AND observed_at <= {as_of:DateTime64(3, 'UTC')}
      AND batch_uid IN (SELECT batch_uid FROM batches)
    GROUP BY system, key
),
per_kind AS (
    SELECT key, argMax(tuple(system, v), version) AS w, groupArray(system) AS systems, max(version).1 AS observed_at
    FROM per_system
    WHERE NOT v.1
    GROUP BY key
)
SELECT
    key,
    w.1 AS system,
    systems,
    w.2.2 AS native_id,
    w.2.3 AS updated_at,
    w.2.4 AS resource_key,
    w.2.5 AS project_key,
    w.2.6 AS work_date,
    w.2.7 AS hours,
    w.2.8 AS billable,
    w.2.9 AS status,
    w.2.10 AS bill_rate,
    w.2.11 AS currency,
    w.2.12 AS approved_at,
    w.2.13 AS invoice_key,
    w.2.14 AS extra,
    observed_at
FROM per_kind;

CREATE VIEW IF NOT EXISTS cur_expense AS
WITH per_system AS (
    SELECT
        system,
        key,
        argMax(tuple(deleted, native_id, updated_at, resource_key, project_key, expense_date, amount, currency, billable, status, invoice_key, extra),
               tuple(observed_at, ifNull(updated_at, toDateTime64(0, 3, 'UTC')), received_at, line)) AS v,
        max(tuple(observed_at, ifNull(updated_at, toDateTime64(0, 3, 'UTC')), received_at, line)) AS version
    FROM entity_expense
    WHERE kind = {kind:String}
      AND observed_at <= {as_of:DateTime64(3, 'UTC')}
      AND batch_uid IN (SELECT batch_uid FROM batches)
    GROUP BY system, key
),
per_kind AS (
    SELECT key, argMax(tuple(system, v), version) AS w, groupArray(system) AS systems, max(version).1 AS observed_at
    FROM per_system
    WHERE NOT v.1
    GROUP BY key
)
SELECT
    key,
    w.1 AS system,
    systems,
    w.2.2 AS native_id,
    w.2.3 AS updated_at,
    w.2.4 AS resource_key,
    w.2.5 AS project_key,
    w.2.6 AS expense_date,
    w.2.7 AS amount,
    w.2.8 AS currency,
    w.2.9 AS billable,
    w.2.10 AS status,
    w.2.11 AS invoice_key,
    w.2.12 AS extra,
    observed_at
FROM per_kind;

CREATE VIEW IF NOT EXISTS cur_invoice AS
WITH per_system AS (
    SELECT
        system,
        key,
        argMax(tuple(deleted, native_id, updated_at, account_key, project_key, invoice_date, period_start, period_end, amount, currency, status, due_date, paid_at, extra),
               tuple(observed_at, ifNull(updated_at, toDateTime64(0, 3, 'UTC')), received_at, line)) AS v,
        max(tuple(observed_at, ifNull(updated_at, toDateTime64(0, 3, 'UTC')), received_at, line)) AS version
    FROM entity_invoice
    WHERE kind = {kind:String}
      AND observed_at <= {as_of:DateTime64(3, 'UTC')}
      AND batch_uid IN (SELECT batch_uid FROM batches)
    GROUP BY system, key
),
per_kind AS (
    SELECT key, argMax(tuple(system, v), version) AS w, groupArray(system) AS systems, max(version).1 AS observed_at
    FROM per_system
    WHERE NOT v.1
    GROUP BY key
)
SELECT
    key,
    w.1 AS system,
    systems,
    w.2.2 AS native_id,
    w.2.3 AS updated_at,
    w.2.4 AS account_key,
    w.2.5 AS project_key,
    w.2.6 AS invoice_date,
    w.2.7 AS period_start,
    w.2.8 AS period_end,
    w.2.9 AS amount,
    w.2.10 AS currency,
    w.2.11 AS status,
    w.2.12 AS due_date,
    w.2.13 AS paid_at,
    w.2.14 AS extra,
    observed_at
FROM per_kind;
