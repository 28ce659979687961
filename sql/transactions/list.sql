-- Transactions, newest first, with each one's attempt number within its (workflow, entity).
-- Filters are optional (empty matches everything); keyset pagination on (started_at, trace_id).
SELECT *
FROM
(
    SELECT
        trace_id, workflow, entity_type, entity_key, failed, systems, started_at, ended_at,
        failed_step, error_message, spans,
        row_number() OVER (PARTITION BY workflow, entity_type, entity_key ORDER BY started_at, trace_id) AS attempt
    FROM transactions
)
WHERE ({workflow:String} = '' OR workflow = {workflow:String})
  AND ({status:String} = '' OR failed = ({status:String} = 'failed'))
  AND ({system:String} = '' OR has(systems, {system:String}))
  AND ({entity_key:String} = '' OR entity_key = {entity_key:String})
  AND ({entity_type:String} = '' OR entity_type = {entity_type:String})
  AND ({trace_id:String} = '' OR trace_id = {trace_id:String})
  AND (NOT {has_from:Bool} OR started_at >= {from:DateTime64(3, 'UTC')})
  AND (NOT {has_to:Bool} OR started_at <= {to:DateTime64(3, 'UTC')})
  AND (NOT {has_cursor:Bool} OR (started_at, trace_id) < ({cursor_at:DateTime64(9, 'UTC')}, {cursor_id:String}))
ORDER BY started_at DESC, trace_id DESC
LIMIT {limit:UInt32}
