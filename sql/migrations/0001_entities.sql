-- Canonical entity tables (CONTRACT §2). Every version of every record is kept: a row per
-- (system, key, observation), never updated in place. Which version wins as of a time is decided
-- at read time by the cur_* views (0003), so any past `as_of` stays reproducible; a
-- ReplacingMergeTree would merge old versions away and lose that.
-- Tombstones (delta `deleted: true`, or keys missing from a full snapshot) are rows with
-- deleted = true whose other typed columns hold their defaults.
-- `ver` packs the contract's precedence (observed_at, updated_at, arrival) into one UInt256 so
-- picking the winning version compares one number instead of a tuple: several times faster on
-- millions of rows.

CREATE TABLE IF NOT EXISTS entity_account
(
    system      LowCardinality(String),
    kind        LowCardinality(String),
    key         String,
    native_id   Nullable(String),
    updated_at  Nullable(DateTime64(3, 'UTC')),
    deleted     Bool,
    name        String,
    parent_key  Nullable(String),
    region      Nullable(String),
    status      LowCardinality(Nullable(String)),
    extra       String COMMENT 'unknown fields of the record, as JSON text',
    observed_at DateTime64(3, 'UTC'),
    received_at DateTime64(6, 'UTC'),
    line        UInt32 COMMENT 'position in its batch: the later line wins a full tie',
    batch_uid   String COMMENT 'visible only once batches holds this uid (atomic batches)',
    ver         UInt256 MATERIALIZED
                bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(observed_at), 0)), 128)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(ifNull(updated_at, toDateTime64(0, 3, 'UTC'))), 0)), 84)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Micro(received_at), 0)), 32)
              + line
                COMMENT 'which version wins, as one number: observed_at, then updated_at (missing loses), then arrival'
)
ENGINE = MergeTree
ORDER BY (kind, key, system, observed_at)
SETTINGS fsync_after_insert = 1, fsync_part_directory = 1;

CREATE TABLE IF NOT EXISTS entity_opportunity
(
    system      LowCardinality(String),
    kind        LowCardinality(String),
    key         String,
    native_id   Nullable(String),
    updated_at  Nullable(DateTime64(3, 'UTC')),
    deleted     Bool,
    account_key String,
    name        String,
    stage       String,
    amount      Decimal(38, 8),
    currency    LowCardinality(String),
    close_date  Date,
    is_won      Bool,
    is_closed   Bool,
    won_at      Nullable(DateTime64(3, 'UTC')),
    owner_email Nullable(String),
    extra       String COMMENT 'unknown fields of the record, as JSON text',
    observed_at DateTime64(3, 'UTC'),
    received_at DateTime64(6, 'UTC'),
    line        UInt32 COMMENT 'position in its batch: the later line wins a full tie',
    batch_uid   String COMMENT 'visible only once batches holds this uid (atomic batches)',
    ver         UInt256 MATERIALIZED
                bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(observed_at), 0)), 128)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(ifNull(updated_at, toDateTime64(0, 3, 'UTC'))), 0)), 84)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Micro(received_at), 0)), 32)
              + line
                COMMENT 'which version wins, as one number: observed_at, then updated_at (missing loses), then arrival'
)
ENGINE = MergeTree
ORDER BY (kind, key, system, observed_at)
SETTINGS fsync_after_insert = 1, fsync_part_directory = 1;

CREATE TABLE IF NOT EXISTS entity_project
(
    system      LowCardinality(String),
    kind        LowCardinality(String),
    key         String,
    native_id   Nullable(String),
    updated_at  Nullable(DateTime64(3, 'UTC')),
    deleted     Bool,
    account_key Nullable(String),
    opportunity_key Nullable(String),
    name        String,
    status      LowCardinality(String),
    billing_type LowCardinality(String),
    start_date  Nullable(Date),
    end_date    Nullable(Date),
    budget_hours Nullable(Decimal(38, 8)),
    budget_amount Nullable(Decimal(38, 8)),
    currency    LowCardinality(Nullable(String)),
    practice    LowCardinality(Nullable(String)),
    region      LowCardinality(Nullable(String)),
    manager_email Nullable(String),
    created_at  Nullable(DateTime64(3, 'UTC')),
    extra       String COMMENT 'unknown fields of the record, as JSON text',
    observed_at DateTime64(3, 'UTC'),
    received_at DateTime64(6, 'UTC'),
    line        UInt32 COMMENT 'position in its batch: the later line wins a full tie',
    batch_uid   String COMMENT 'visible only once batches holds this uid (atomic batches)',
    ver         UInt256 MATERIALIZED
                bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(observed_at), 0)), 128)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(ifNull(updated_at, toDateTime64(0, 3, 'UTC'))), 0)), 84)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Micro(received_at), 0)), 32)
              + line
                COMMENT 'which version wins, as one number: observed_at, then updated_at (missing loses), then arrival'
)
ENGINE = MergeTree
ORDER BY (kind, key, system, observed_at)
SETTINGS fsync_after_insert = 1, fsync_part_directory = 1;

CREATE TABLE IF NOT EXISTS entity_resource
(
    system      LowCardinality(String),
    kind        LowCardinality(String),
    key         String,
    native_id   Nullable(String),
    updated_at  Nullable(DateTime64(3, 'UTC')),
    deleted     Bool,
    name        String,
    email       Nullable(String),
    practice    LowCardinality(Nullable(String)),
    region      LowCardinality(Nullable(String)),
    employment_type LowCardinality(String),
    status      LowCardinality(String),
    hire_date   Nullable(Date),
    termination_date Nullable(Date),
    weekly_capacity_hours Decimal(38, 8),
    cost_rate   Nullable(Decimal(38, 8)),
    currency    LowCardinality(Nullable(String)),
    extra       String COMMENT 'unknown fields of the record, as JSON text',
    observed_at DateTime64(3, 'UTC'),
    received_at DateTime64(6, 'UTC'),
    line        UInt32 COMMENT 'position in its batch: the later line wins a full tie',
    batch_uid   String COMMENT 'visible only once batches holds this uid (atomic batches)',
    ver         UInt256 MATERIALIZED
                bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(observed_at), 0)), 128)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(ifNull(updated_at, toDateTime64(0, 3, 'UTC'))), 0)), 84)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Micro(received_at), 0)), 32)
              + line
                COMMENT 'which version wins, as one number: observed_at, then updated_at (missing loses), then arrival'
)
ENGINE = MergeTree
ORDER BY (kind, key, system, observed_at)
SETTINGS fsync_after_insert = 1, fsync_part_directory = 1;

CREATE TABLE IF NOT EXISTS entity_assignment
(
    system      LowCardinality(String),
    kind        LowCardinality(String),
    key         String,
    native_id   Nullable(String),
    updated_at  Nullable(DateTime64(3, 'UTC')),
    deleted     Bool,
    project_key String,
    resource_key String,
    role        Nullable(String),
    start_date  Date,
    end_date    Nullable(Date),
    planned_hours Nullable(Decimal(38, 8)),
    bill_rate   Nullable(Decimal(38, 8)),
    currency    LowCardinality(Nullable(String)),
    status      LowCardinality(String),
    extra       String COMMENT 'unknown fields of the record, as JSON text',
    observed_at DateTime64(3, 'UTC'),
    received_at DateTime64(6, 'UTC'),
    line        UInt32 COMMENT 'position in its batch: the later line wins a full tie',
    batch_uid   String COMMENT 'visible only once batches holds this uid (atomic batches)',
    ver         UInt256 MATERIALIZED
                bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(observed_at), 0)), 128)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(ifNull(updated_at, toDateTime64(0, 3, 'UTC'))), 0)), 84)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Micro(received_at), 0)), 32)
              + line
                COMMENT 'which version wins, as one number: observed_at, then updated_at (missing loses), then arrival'
)
ENGINE = MergeTree
ORDER BY (kind, key, system, observed_at)
SETTINGS fsync_after_insert = 1, fsync_part_directory = 1;

CREATE TABLE IF NOT EXISTS entity_rate_card
(
    system      LowCardinality(String),
    kind        LowCardinality(String),
    key         String,
    native_id   Nullable(String),
    updated_at  Nullable(DateTime64(3, 'UTC')),
    deleted     Bool,
    project_key String,
    role        String,
    bill_rate   Decimal(38, 8),
    currency    LowCardinality(String),
    effective_from Nullable(Date),
    effective_to Nullable(Date),
    extra       String COMMENT 'unknown fields of the record, as JSON text',
    observed_at DateTime64(3, 'UTC'),
    received_at DateTime64(6, 'UTC'),
    line        UInt32 COMMENT 'position in its batch: the later line wins a full tie',
    batch_uid   String COMMENT 'visible only once batches holds this uid (atomic batches)',
    ver         UInt256 MATERIALIZED
                bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(observed_at), 0)), 128)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(ifNull(updated_at, toDateTime64(0, 3, 'UTC'))), 0)), 84)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Micro(received_at), 0)), 32)
              + line
                COMMENT 'which version wins, as one number: observed_at, then updated_at (missing loses), then arrival'
)
ENGINE = MergeTree
ORDER BY (kind, key, system, observed_at)
SETTINGS fsync_after_insert = 1, fsync_part_directory = 1;

CREATE TABLE IF NOT EXISTS entity_time_entry
(
    system      LowCardinality(String),
    kind        LowCardinality(String),
    key         String,
    native_id   Nullable(String),
    updated_at  Nullable(DateTime64(3, 'UTC')),
    deleted     Bool,
    resource_key String,
    project_key String,
    work_date   Date,
    hours       Decimal(38, 8),
    billable    Bool,
    status      LowCardinality(String),
    bill_rate   Nullable(Decimal(38, 8)),
    currency    LowCardinality(Nullable(String)),
    approved_at Nullable(DateTime64(3, 'UTC')),
    invoice_key Nullable(String),
    extra       String COMMENT 'unknown fields of the record, as JSON text',
    observed_at DateTime64(3, 'UTC'),
    received_at DateTime64(6, 'UTC'),
    line        UInt32 COMMENT 'position in its batch: the later line wins a full tie',
    batch_uid   String COMMENT 'visible only once batches holds this uid (atomic batches)',
    ver         UInt256 MATERIALIZED
                bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(observed_at), 0)), 128)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(ifNull(updated_at, toDateTime64(0, 3, 'UTC'))), 0)), 84)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Micro(received_at), 0)), 32)
              + line
                COMMENT 'which version wins, as one number: observed_at, then updated_at (missing loses), then arrival'
)
ENGINE = MergeTree
ORDER BY (kind, key, system, observed_at)
SETTINGS fsync_after_insert = 1, fsync_part_directory = 1;

CREATE TABLE IF NOT EXISTS entity_expense
(
    system      LowCardinality(String),
    kind        LowCardinality(String),
    key         String,
    native_id   Nullable(String),
    updated_at  Nullable(DateTime64(3, 'UTC')),
    deleted     Bool,
    resource_key String,
    project_key String,
    expense_date Date,
    amount      Decimal(38, 8),
    currency    LowCardinality(String),
    billable    Bool,
    status      LowCardinality(String),
    invoice_key Nullable(String),
    extra       String COMMENT 'unknown fields of the record, as JSON text',
    observed_at DateTime64(3, 'UTC'),
    received_at DateTime64(6, 'UTC'),
    line        UInt32 COMMENT 'position in its batch: the later line wins a full tie',
    batch_uid   String COMMENT 'visible only once batches holds this uid (atomic batches)',
    ver         UInt256 MATERIALIZED
                bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(observed_at), 0)), 128)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(ifNull(updated_at, toDateTime64(0, 3, 'UTC'))), 0)), 84)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Micro(received_at), 0)), 32)
              + line
                COMMENT 'which version wins, as one number: observed_at, then updated_at (missing loses), then arrival'
)
ENGINE = MergeTree
ORDER BY (kind, key, system, observed_at)
SETTINGS fsync_after_insert = 1, fsync_part_directory = 1;

CREATE TABLE IF NOT EXISTS entity_invoice
(
    system      LowCardinality(String),
    kind        LowCardinality(String),
    key         String,
    native_id   Nullable(String),
    updated_at  Nullable(DateTime64(3, 'UTC')),
    deleted     Bool,
    account_key Nullable(String),
    project_key String,
    invoice_date Date,
    period_start Nullable(Date),
    period_end  Nullable(Date),
    amount      Decimal(38, 8),
    currency    LowCardinality(String),
    status      LowCardinality(String),
    due_date    Nullable(Date),
    paid_at     Nullable(DateTime64(3, 'UTC')),
    extra       String COMMENT 'unknown fields of the record, as JSON text',
    observed_at DateTime64(3, 'UTC'),
    received_at DateTime64(6, 'UTC'),
    line        UInt32 COMMENT 'position in its batch: the later line wins a full tie',
    batch_uid   String COMMENT 'visible only once batches holds this uid (atomic batches)',
    ver         UInt256 MATERIALIZED
                bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(observed_at), 0)), 128)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(ifNull(updated_at, toDateTime64(0, 3, 'UTC'))), 0)), 84)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Micro(received_at), 0)), 32)
              + line
                COMMENT 'which version wins, as one number: observed_at, then updated_at (missing loses), then arrival'
)
ENGINE = MergeTree
ORDER BY (kind, key, system, observed_at)
SETTINGS fsync_after_insert = 1, fsync_part_directory = 1;
