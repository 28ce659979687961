-- assignment_rate_mismatch (CONTRACT §4): a PSA assignment `active` with a `role` and a
-- `bill_rate`, and an ERP rate card for its (`project_key`, `role`) effective on D
-- (`effective_from` empty or ≤ D, `effective_to` empty or ≥ D) has a `bill_rate` differing by
-- more than 0.005 (of several such cards, the one with the latest `effective_from`).
-- Amount at risk: abs(diff) × planned_hours, or 0, converted at D.
WITH
    toDate({as_of:DateTime64(3, 'UTC')}) AS d,
-- @include fx/parts/rates_on_d.sql
    AS fx_on_d,
    cards AS
    (
        -- An empty effective_from sorts first: any dated card is later than it.
        SELECT
            project_key,
            role,
            argMax(tuple(key, bill_rate, effective_from, effective_to, system),
                   tuple(ifNull(toDate32(effective_from), toDate32('1900-01-01')), key)) AS card
        FROM cur_rate_card(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')})
        WHERE (effective_from IS NULL OR effective_from <= d)
          AND (effective_to IS NULL OR effective_to >= d)
        GROUP BY project_key, role
    )
SELECT
    a.key AS entity_key,
    arrayConcat([a.system], [c.card.5]) AS systems,
    abs(a.bill_rate - c.card.2) * ifNull(a.planned_hours, toDecimal128(0, 8)) AS amount_at_risk,
    ifNull(a.currency, {reporting:String}) AS currency,
    -- §5 Currency: 0 stays 0; else converted (null when no rate applies).
    multiIf(amount_at_risk = 0, CAST(0, 'Nullable(Decimal(38, 8))'),
            NOT mapContains(fx_on_d, ifNull(a.currency, {reporting:String})), NULL,
            CAST(round(amount_at_risk * fx_on_d[ifNull(a.currency, {reporting:String})], 8), 'Nullable(Decimal(38, 8))')) AS amount_at_risk_reporting,
    p.practice AS practice,
    p.region AS region,
    a.project_key AS `psa.project_key`,
    a.resource_key AS `psa.resource_key`,
    a.role AS `psa.role`,
    a.bill_rate AS `psa.bill_rate`,
    a.planned_hours AS `psa.planned_hours`,
    c.card.1 AS `erp.rate_card_key`,
    c.card.2 AS `erp.bill_rate`,
    c.card.3 AS `erp.effective_from`,
    c.card.4 AS `erp.effective_to`,
    a.bill_rate - c.card.2 AS `diff.bill_rate`
FROM cur_assignment(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')}) AS a
INNER JOIN cards AS c ON c.project_key = a.project_key AND c.role = a.role
LEFT JOIN cur_project(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')}) AS p ON p.key = a.project_key
WHERE a.status = 'active'
  AND a.role IS NOT NULL
  AND a.bill_rate IS NOT NULL
  AND abs(a.bill_rate - c.card.2) > {tolerance:Decimal(38, 8)}
