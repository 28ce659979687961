-- CRM won opportunities ↔ PSA projects (opportunity → project): matched when a project
-- carries the deal's key with a budget equal to its amount; differing when the budget differs;
-- only_a: a won deal with no project; only_b: a project naming a deal the CRM does not have won.
-- (deal_key, not opportunity_key: an alias named like the column would replace it in the WHERE,
-- and every project without a deal would be grouped under an empty key.)
WITH projects AS
(
    SELECT assumeNotNull(opportunity_key) AS deal_key, argMin(key, ifNull(created_at, toDateTime64('2100-01-01', 3, 'UTC'))) AS project_key,
           argMin(budget_amount, ifNull(created_at, toDateTime64('2100-01-01', 3, 'UTC'))) AS budget, any(practice) AS practice
    FROM cur_project(kind = 'psa', as_of = {as_of:DateTime64(3, 'UTC')})
    WHERE opportunity_key IS NOT NULL
    GROUP BY deal_key
),
won AS (SELECT * FROM cur_opportunity(kind = 'crm', as_of = {as_of:DateTime64(3, 'UTC')}) WHERE is_won)
SELECT
    ifNull(o.key, pr.deal_key) AS record_key,
    multiIf(pr.deal_key IS NULL, 'only_a', o.key IS NULL, 'only_b', ifNull(pr.budget, 0) != o.amount, 'differing', 'matched') AS status,
    toDate(ifNull(o.won_at, toDateTime64(o.close_date, 3, 'UTC'))) AS period,
    pr.practice AS practice,
    pr.project_key AS project_key,
    ifNull(o.currency, {reporting:String}) AS currency,
    -- A deal's amount and a project's budget convert at D (CONTRACT §5 Currency).
    toDate({as_of:DateTime64(3, 'UTC')}) AS fx_day,
    o.amount AS amount_a,
    pr.budget AS amount_b,
    ifNull(amount_a, toDecimal128(0, 8)) - ifNull(amount_b, toDecimal128(0, 8)) AS amount_diff,
    if(status = 'only_a', 'won_opportunity_without_project', '') AS rule,
    o.name AS a_name, o.stage AS a_stage, o.amount AS a_amount, o.won_at AS a_won_at,
    pr.project_key AS b_project_key, pr.budget AS b_budget_amount
FROM won AS o
FULL OUTER JOIN projects AS pr ON pr.deal_key = o.key
