-- Canonical entity tables (CONTRACT §2). Every version of every record is kept: a row per
-- (system, key, observation), never updated in place. Which version wins as of a time is decided
-- at read time by the cur_* views (0003), so any past `as_of` stays reproducible; a
-- ReplacingMergeTree would merge old versions away and lose that.
-- Tombstones (delta `deleted: true`, or keys missing from a full snapshot) are rows with
-- deleted = true whose other typed columns hold their defaults.
-- `ver` packs the contract's precedence (observed_at, updated_at, arrival) into one UInt256 so
-- picking the winning version compares one number instead of a tuple: several times faster on
-- millions of rows.

-- @note Every table shares its leading and trailing columns (migrations/parts/); between them,
-- @note the entity's own fields. Shipped text: test/sql-templates.test.ts pins its expansion.
CREATE TABLE IF NOT EXISTS entity_account
(
-- @include migrations/parts/entity_key_columns.sql
    name        String,
    parent_key  Nullable(String),
    region      Nullable(String),
    status      LowCardinality(Nullable(String)),
-- @include migrations/parts/entity_version_columns.sql

CREATE TABLE IF NOT EXISTS entity_opportunity
(
-- @include migrations/parts/entity_key_columns.sql
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
-- @include migrations/parts/entity_version_columns.sql

CREATE TABLE IF NOT EXISTS entity_project
(
-- @include migrations/parts/entity_key_columns.sql
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
-- @include migrations/parts/entity_version_columns.sql

CREATE TABLE IF NOT EXISTS entity_resource
(
-- @include migrations/parts/entity_key_columns.sql
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
-- @include migrations/parts/entity_version_columns.sql

CREATE TABLE IF NOT EXISTS entity_assignment
(
-- @include migrations/parts/entity_key_columns.sql
    project_key String,
    resource_key String,
    role        Nullable(String),
    start_date  Date,
    end_date    Nullable(Date),
    planned_hours Nullable(Decimal(38, 8)),
    bill_rate   Nullable(Decimal(38, 8)),
    currency    LowCardinality(Nullable(String)),
    status      LowCardinality(String),
-- @include migrations/parts/entity_version_columns.sql

CREATE TABLE IF NOT EXISTS entity_rate_card
(
-- @include migrations/parts/entity_key_columns.sql
    project_key String,
    role        String,
    bill_rate   Decimal(38, 8),
    currency    LowCardinality(String),
    effective_from Nullable(Date),
    effective_to Nullable(Date),
-- @include migrations/parts/entity_version_columns.sql

CREATE TABLE IF NOT EXISTS entity_time_entry
(
-- @include migrations/parts/entity_key_columns.sql
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
-- @include migrations/parts/entity_version_columns.sql

CREATE TABLE IF NOT EXISTS entity_expense
(
-- @include migrations/parts/entity_key_columns.sql
    resource_key String,
    project_key String,
    expense_date Date,
    amount      Decimal(38, 8),
    currency    LowCardinality(String),
    billable    Bool,
    status      LowCardinality(String),
    invoice_key Nullable(String),
-- @include migrations/parts/entity_version_columns.sql

CREATE TABLE IF NOT EXISTS entity_invoice
(
-- @include migrations/parts/entity_key_columns.sql
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
-- @include migrations/parts/entity_version_columns.sql
