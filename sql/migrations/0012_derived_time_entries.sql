-- Derived state for time entries, the entity with millions of records (server/derived/).
-- History (entity_time_entry, every version) stays the record. These tables are kept in step
-- with it as each batch commits and can be rebuilt from it at any time; reads as of now (and
-- as of any time the facts cover) use them instead of re-deciding every key's winner among
-- all versions, which costs seconds per query at millions of entries.

-- A batch's rows share its received_at: with this index, finding them reads only their own
-- fresh parts instead of the whole table.
ALTER TABLE entity_time_entry ADD INDEX IF NOT EXISTS received_at_idx received_at TYPE minmax GRANULARITY 1;
ALTER TABLE entity_time_entry MATERIALIZE INDEX received_at_idx;

-- now_time_entry: each (key, kind, system)'s latest committed version, tombstones included,
-- with the columns the derived tables read. Read with FINAL. Ordered by key first, so one
-- key's PSA and ERP sides are neighbours and a pass over every key aggregates in order; small
-- granules because deltas look keys up at random.
CREATE TABLE IF NOT EXISTS now_time_entry
(
    key          String,
    kind         LowCardinality(String),
    system       LowCardinality(String),
    ver          UInt256 COMMENT 'entity_time_entry.ver: the latest wins',
    deleted      Bool,
    resource_key String,
    project_key  String,
    work_date    Date,
    hours        Decimal(38, 8),
    billable     Bool,
    status       LowCardinality(String),
    bill_rate    Nullable(Decimal(38, 8)),
    currency     LowCardinality(Nullable(String)),
    approved_at  Nullable(DateTime64(3, 'UTC')),
    invoice_key  Nullable(String)
)
ENGINE = ReplacingMergeTree(ver)
ORDER BY (key, kind, system)
SETTINGS index_granularity = 256, fsync_after_insert = 1, fsync_part_directory = 1;

-- Each key's PSA and ERP record side by side (CONTRACT §2: per (key, kind, system) the latest
-- version wins, a tombstone included; per (key, kind) the latest surviving system's record),
-- as cur_time_entry decides it from history. Callers filter on key (the filter reaches the
-- table's primary key through the view) and set optimize_aggregation_in_order: in key order the
-- aggregation streams instead of holding every key (a third of the time, a quarter of the memory).
CREATE VIEW IF NOT EXISTS time_entry_pairs AS
SELECT
    key,
    countIf(kind = 'psa' AND NOT deleted) > 0 AS has_p,
    argMaxIf(system, ver, kind = 'psa' AND NOT deleted) AS p_system,
    argMaxIf(resource_key, ver, kind = 'psa' AND NOT deleted) AS p_resource_key,
    argMaxIf(project_key, ver, kind = 'psa' AND NOT deleted) AS p_project_key,
    argMaxIf(work_date, ver, kind = 'psa' AND NOT deleted) AS p_work_date,
    argMaxIf(hours, ver, kind = 'psa' AND NOT deleted) AS p_hours,
    argMaxIf(billable, ver, kind = 'psa' AND NOT deleted) AS p_billable,
    argMaxIf(status, ver, kind = 'psa' AND NOT deleted) AS p_status,
    argMaxIf(bill_rate, ver, kind = 'psa' AND NOT deleted) AS p_bill_rate,
    argMaxIf(currency, ver, kind = 'psa' AND NOT deleted) AS p_currency,
    argMaxIf(approved_at, ver, kind = 'psa' AND NOT deleted) AS p_approved_at,
    argMaxIf(invoice_key, ver, kind = 'psa' AND NOT deleted) AS p_invoice_key,
    countIf(kind = 'erp' AND NOT deleted) > 0 AS has_e,
    argMaxIf(system, ver, kind = 'erp' AND NOT deleted) AS e_system,
    argMaxIf(resource_key, ver, kind = 'erp' AND NOT deleted) AS e_resource_key,
    argMaxIf(project_key, ver, kind = 'erp' AND NOT deleted) AS e_project_key,
    argMaxIf(work_date, ver, kind = 'erp' AND NOT deleted) AS e_work_date,
    argMaxIf(hours, ver, kind = 'erp' AND NOT deleted) AS e_hours,
    argMaxIf(billable, ver, kind = 'erp' AND NOT deleted) AS e_billable,
    argMaxIf(status, ver, kind = 'erp' AND NOT deleted) AS e_status,
    argMaxIf(bill_rate, ver, kind = 'erp' AND NOT deleted) AS e_bill_rate,
    argMaxIf(currency, ver, kind = 'erp' AND NOT deleted) AS e_currency,
    argMaxIf(invoice_key, ver, kind = 'erp' AND NOT deleted) AS e_invoice_key
FROM now_time_entry FINAL
WHERE kind IN ('psa', 'erp')
GROUP BY key;

-- The rows of the batches one application applies (the columns now_time_entry keeps), read
-- from history once: a catch-up of many applications stages them all in one pass. A partition
-- per application, dropped after.
CREATE TABLE IF NOT EXISTS derived_time_stage
(
    apply        UInt64,
    key          String,
    kind         LowCardinality(String),
    system       LowCardinality(String),
    ver          UInt256,
    deleted      Bool,
    resource_key String,
    project_key  String,
    work_date    Date,
    hours        Decimal(38, 8),
    billable     Bool,
    status       LowCardinality(String),
    bill_rate    Nullable(Decimal(38, 8)),
    currency     LowCardinality(Nullable(String)),
    approved_at  Nullable(DateTime64(3, 'UTC')),
    invoice_key  Nullable(String)
)
ENGINE = MergeTree
PARTITION BY apply
ORDER BY (key, kind, system);

-- The pairs of the keys one application touches, before (side -1) and after (side 1) it; the
-- facts below are computed from the difference. A partition per application, dropped after.
CREATE TABLE IF NOT EXISTS derived_time_change
(
    apply          UInt64,
    side           Int8,
    key            String,
    has_p          Bool,
    p_system       LowCardinality(String),
    p_resource_key String,
    p_project_key  String,
    p_work_date    Date,
    p_hours        Decimal(38, 8),
    p_billable     Bool,
    p_status       LowCardinality(String),
    p_bill_rate    Nullable(Decimal(38, 8)),
    p_currency     LowCardinality(Nullable(String)),
    p_approved_at  Nullable(DateTime64(3, 'UTC')),
    p_invoice_key  Nullable(String),
    has_e          Bool,
    e_system       LowCardinality(String),
    e_resource_key String,
    e_project_key  String,
    e_work_date    Date,
    e_hours        Decimal(38, 8),
    e_billable     Bool,
    e_status       LowCardinality(String),
    e_bill_rate    Nullable(Decimal(38, 8)),
    e_currency     LowCardinality(Nullable(String)),
    e_invoice_key  Nullable(String)
)
ENGINE = MergeTree
PARTITION BY apply
ORDER BY (key, side);

-- fact_time_entry: sums of time entries per side and the dimensions KPIs and rules group by,
-- as signed changes: applying a batch adds the new state of each key it touched and subtracts
-- the old. `valid_from` is when the change took effect (its batch's observed_at): the rows with
-- valid_from <= T sum to the state as of T (docs/derived-state.md says when that holds).
-- `rec_*`: the part whose copy on the other side exists with hours within 0.01 (coverage).
CREATE TABLE IF NOT EXISTS fact_time_entry
(
    kind         LowCardinality(String) COMMENT 'psa or erp: the side the entry is on',
    project_key  String,
    resource_key String,
    work_date    Date,
    status       LowCardinality(String),
    billable     Bool,
    invoiced     Bool COMMENT 'invoice_key is set (it may be set and empty)',
    invoice_key  String,
    currency     LowCardinality(String) COMMENT 'empty: none given',
    valid_from   DateTime64(3, 'UTC'),
    entries      Int64,
    hours        Decimal(38, 8),
    amount       Decimal(38, 16) COMMENT 'hours × bill_rate, a missing rate counting as 0',
    rec_entries  Int64,
    rec_hours    Decimal(38, 8),
    rec_amount   Decimal(38, 16)
)
ENGINE = SummingMergeTree
ORDER BY (kind, project_key, resource_key, work_date, status, billable, invoiced, invoice_key, currency, valid_from)
SETTINGS fsync_after_insert = 1, fsync_part_directory = 1;

-- fact_time_pair: the PSA ↔ ERP comparison of time entries (the reconciliation matrix),
-- counted and summed per project, date and match status, as signed changes.
CREATE TABLE IF NOT EXISTS fact_time_pair
(
    project_key String,
    period      Date COMMENT 'work_date of the PSA side, else of the ERP side',
    status      LowCardinality(String) COMMENT 'matched, differing, only_a (PSA only), only_b (ERP only)',
    rule        LowCardinality(String) COMMENT 'the rule the pair breaks, or empty',
    currency    LowCardinality(String),
    valid_from  DateTime64(3, 'UTC'),
    records     Int64,
    amount_a    Decimal(38, 16),
    amount_b    Decimal(38, 16)
)
ENGINE = SummingMergeTree
ORDER BY (project_key, period, status, rule, currency, valid_from)
SETTINGS fsync_after_insert = 1, fsync_part_directory = 1;

-- now_time_issue: the time entries that may break a per-key rule now (PSA approved with no ERP
-- copy, or hours that differ at all), both sides side by side; the rules apply their
-- thresholds and as_of when they read it. A key that stops being a candidate gets a row with
-- is_deleted = 1, which FINAL leaves out.
CREATE TABLE IF NOT EXISTS now_time_issue
(
    key           String,
    seq           UInt64 COMMENT 'the application that wrote it: the latest row of a key wins',
    is_deleted    UInt8,
    p_system      LowCardinality(String),
    p_resource_key String,
    p_project_key String,
    p_work_date   Date,
    p_hours       Decimal(38, 8),
    p_billable    Bool,
    p_status      LowCardinality(String),
    p_bill_rate   Nullable(Decimal(38, 8)),
    p_currency    LowCardinality(Nullable(String)),
    p_approved_at Nullable(DateTime64(3, 'UTC')),
    has_e         Bool,
    e_system      LowCardinality(String),
    e_work_date   Date,
    e_hours       Decimal(38, 8),
    e_status      LowCardinality(String),
    e_bill_rate   Nullable(Decimal(38, 8)),
    e_invoice_key Nullable(String)
)
ENGINE = ReplacingMergeTree(seq, is_deleted)
ORDER BY key
SETTINGS fsync_after_insert = 1, fsync_part_directory = 1;

-- Which committed batches the derived tables hold: a row when an application starts (done =
-- false) and one when it ends. A start with no end at the next start of the server (a crash
-- half-way) makes it rebuild the derived tables from history.
CREATE TABLE IF NOT EXISTS derived_applied
(
    batch_uid    String,
    entity       LowCardinality(String),
    apply        UInt64,
    valid_from   DateTime64(3, 'UTC'),
    out_of_order Bool COMMENT 'applied after a batch observed later: before valid_from, reads use history',
    done         Bool,
    at           DateTime64(6, 'UTC')
)
ENGINE = MergeTree
ORDER BY (entity, batch_uid);
