-- project_over_budget (CONTRACT §4): an ERP project not `closed` with `budget_hours` > 0 whose
-- PSA time entries `approved` with `work_date` ≤ D total more than `budget_hours`. Amount at
-- risk: (Σ hours − budget_hours) × (Σ hours × bill_rate / Σ hours) of those entries (a missing
-- bill_rate counts as 0), in the project's currency (the ERP project's, else the entries').
-- In the reporting currency each entry's hours × bill_rate converts at its own work_date, and
-- the converted sum is scaled by the same share; null when an entry with a value has no rate.
WITH
    toDate({as_of:DateTime64(3, 'UTC')}) AS d,
    entries AS
    (
        SELECT
            p.key AS project_key,
            t.system AS system,
            t.work_date AS work_date,
            t.hours AS hours,
            t.hours * ifNull(t.bill_rate, toDecimal128(0, 8)) AS value,
            t.currency AS entry_currency,
            -- One project, one currency (§5): the project's, else the entry's own.
            ifNull(p.currency, ifNull(t.currency, {reporting:String})) AS cur
        FROM cur_time_entry(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}) AS t
        INNER JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = t.project_key
        WHERE t.status = 'approved'
          AND t.work_date <= d
          AND p.status != 'closed'
          AND p.budget_hours > 0
    ),
    totals AS
    (
        SELECT
            e.project_key AS project_key,
            groupUniqArray(e.system) AS psa_systems,
            count() AS entries,
            sum(e.hours) AS hours,
            sum(e.value) AS value,
            any(e.entry_currency) AS entry_currency,
            sum(e.value * ifNull(fx.fx_rate, toDecimal128(0, 8))) AS value_reporting,
            countIf(e.value != 0 AND fx.fx_rate IS NULL) AS unconverted
        FROM entries AS e
        ASOF LEFT JOIN
-- @include fx/parts/rates.sql
            AS fx ON fx.fx_currency = e.cur AND fx.fx_date <= e.work_date
        GROUP BY e.project_key
    ),
    overrun AS
    (
        SELECT
            p.*,
            s.psa_systems, s.entries, s.hours AS approved_hours, s.value AS approved_value,
            s.entry_currency, s.value_reporting, s.unconverted,
            s.hours - p.budget_hours AS over_hours,
            -- over_hours × value / hours, multiplied before dividing and wide enough not to lose a cent.
            toDecimal256(over_hours, 8) * toDecimal256(s.value, 16) / toDecimal256(s.hours, 8) AS amount,
            toDecimal256(over_hours, 8) * toDecimal256(s.value_reporting, 24) / toDecimal256(s.hours, 8) AS amount_reporting
        FROM cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p
        INNER JOIN totals AS s ON s.project_key = p.key
        WHERE s.hours > p.budget_hours
    )
SELECT
    o.key AS entity_key,
    arrayConcat([o.system], o.psa_systems) AS systems,
    CAST(round(o.amount, 8), 'Decimal(38, 8)') AS amount_at_risk,
    ifNull(o.currency, ifNull(o.entry_currency, {reporting:String})) AS currency,
    multiIf(o.amount = 0, CAST(0, 'Nullable(Decimal(38, 8))'), o.unconverted > 0, NULL,
            CAST(round(o.amount_reporting, 8), 'Nullable(Decimal(38, 8))')) AS amount_at_risk_reporting,
    o.practice AS practice,
    o.region AS region,
    o.name AS `erp.project_name`,
    o.status AS `erp.status`,
    o.budget_hours AS `erp.budget_hours`,
    o.approved_hours AS `psa.approved_hours`,
    o.entries AS `psa.approved_entries`,
    o.approved_value AS `psa.approved_value`,
    o.over_hours AS `diff.hours_over_budget`
FROM overrun AS o
