-- Match counts and amounts of one comparison (the comparison file is inlined in the FROM),
-- in total or by period (month), practice or project.
SELECT
    multiIf({by:String} = 'period', toString(toStartOfMonth(assumeNotNull(period))),
            {by:String} = 'practice', ifNull(practice, '(none)'),
            {by:String} = 'project', ifNull(project_key, '(none)'),
            '') AS grp,
    count() AS records,
    countIf(status = 'matched') AS matched,
    countIf(status = 'only_a') AS only_a,
    countIf(status = 'only_b') AS only_b,
    countIf(status = 'differing') AS differing,
    countIf(status = 'only_a' AND rule != '') AS only_a_breaking,
    countIf(rule != '') AS breaking,
    sum(ifNull(amount_a, 0)) AS total_a,
    sum(ifNull(amount_b, 0)) AS total_b,
    total_a - total_b AS total_diff
FROM ({{comparison}})
WHERE (period IS NULL OR (period >= {from:Date} AND period <= {to:Date}))
  AND ({by:String} != 'period' OR period IS NOT NULL)
GROUP BY grp
ORDER BY grp
