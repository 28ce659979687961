-- The exception list (CONTRACT §4): filters, full-text q over entity key and details, sorting
-- by money at risk, age or due date, keyset pagination on (sort key, id) so pages never repeat
-- or skip an item while new exceptions arrive. Empty array filters match everything.
SELECT *
FROM
(
    SELECT
        *,
        status != 'resolved' AND due_at IS NOT NULL AND due_at < {now:DateTime64(3, 'UTC')} AS overdue,
        -- By amount is by the reporting amount (CONTRACT §5 Currency); one with none (no rate)
        -- comes last in either direction.
        if({sort_by:String} = 'amount_at_risk' AND amount_at_risk_reporting IS NULL, 1e300, multiIf(
            {sort_by:String} = 'amount_at_risk', toFloat64(ifNull(amount_at_risk_reporting, 0)),
            {sort_by:String} = 'first_detected_at', toFloat64(toUnixTimestamp64Milli(first_detected_at)),
            {sort_by:String} = 'due_at', toFloat64(ifNull(toUnixTimestamp64Milli(due_at), 0)),
            {sort_by:String} = 'last_detected_at', toFloat64(ifNull(toUnixTimestamp64Milli(last_detected_at), 0)),
            toFloat64(toUnixTimestamp64Milli(updated_at))
        ) * if({desc:Bool}, -1, 1)) AS sort_key
    FROM
    -- @include exceptions/parts/snoozed_state.sql
    AS exception_state
    WHERE (empty({status:Array(String)}) OR status IN {status:Array(String)})
      AND (empty({rule:Array(String)}) OR rule IN {rule:Array(String)})
      AND (empty({owner:Array(String)}) OR owner IN {owner:Array(String)})
      AND (empty({severity:Array(String)}) OR severity IN {severity:Array(String)})
      AND ({snoozed:String} = 'any' OR (snoozed_until IS NOT NULL) = ({snoozed:String} = 'true'))
      AND (empty({system:Array(String)}) OR hasAny(systems, {system:Array(String)}))
      AND (empty({practice:Array(String)}) OR practice IN {practice:Array(String)})
      AND (empty({region:Array(String)}) OR region IN {region:Array(String)})
      AND (empty({entity_type:Array(String)}) OR entity_type IN {entity_type:Array(String)})
      AND (empty({ids:Array(String)}) OR id IN {ids:Array(String)})
      AND ({entity_key:String} = '' OR entity_key = {entity_key:String})
      AND ({q:String} = '' OR positionCaseInsensitiveUTF8(concat(entity_key, ' ', details), {q:String}) > 0)
)
WHERE ({overdue:String} = '' OR overdue = ({overdue:String} = 'true'))
  AND (NOT {has_cursor:Bool} OR (sort_key, id) > ({cursor_key:Float64}, {cursor_id:String}))
ORDER BY sort_key, id
LIMIT {limit:UInt32}
