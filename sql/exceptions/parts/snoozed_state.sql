-- exception_state with `snoozed_until`: set while a snooze holds at {now}, i.e. the latest of
-- snoozed / unsnoozed / a status change is a snooze, its time has not come, and the amount at
-- risk (nor, where both are known, the reporting amount) has not grown since: growth wakes it early. A derived table; run with
-- join_use_nulls = 1.
(
    SELECT
        s.*,
        if(ifNull(z.last = 'snoozed' AND z.until > {now:DateTime64(3, 'UTC')} AND s.amount_at_risk <= z.amount
                  AND (z.amount_reporting IS NULL OR s.amount_at_risk_reporting IS NULL OR s.amount_at_risk_reporting <= z.amount_reporting), 0),
           z.until, NULL) AS snoozed_until
    FROM exception_state AS s
    LEFT JOIN
    (
        SELECT
            exception_id,
            argMax(type, tuple(at, event_id)) AS last,
            argMaxIf(snoozed_until, tuple(at, event_id), type = 'snoozed') AS until,
            argMaxIf(snoozed_amount, tuple(at, event_id), type = 'snoozed') AS amount,
            argMaxIf(snoozed_amount_reporting, tuple(at, event_id), type = 'snoozed') AS amount_reporting
        FROM exception_events
        WHERE type IN ('snoozed', 'unsnoozed', 'resolved', 'auto_resolved', 'reopened', 'reopen')
        GROUP BY exception_id
    ) AS z ON z.exception_id = s.id
)
