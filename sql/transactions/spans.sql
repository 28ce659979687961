-- Every span of one trace, for the waterfall.
SELECT
    SpanId AS span_id,
    ParentSpanId AS parent_span_id,
    SpanName AS name,
    SpanKind AS kind,
    ServiceName AS service,
    Timestamp AS started_at,
    Duration AS duration_ns,
    StatusCode AS status_code,
    StatusMessage AS status_message,
    SpanAttributes AS attributes_text,
    SpanAttributesJSON AS attributes_json,
    ResourceAttributes AS resource_text,
    ResourceAttributesJSON AS resource_json,
    ScopeName AS scope_name,
    ScopeVersion AS scope_version,
    TraceState AS trace_state,
    `Events.Timestamp` AS event_times,
    `Events.Name` AS event_names,
    `Events.Attributes` AS event_attributes,
    EventsAttributesJSON AS event_attributes_json,
    `Links.TraceId` AS link_trace_ids,
    `Links.SpanId` AS link_span_ids,
    `Links.TraceState` AS link_trace_states,
    `Links.Attributes` AS link_attributes,
    LinksAttributesJSON AS link_attributes_json
FROM otel_traces
WHERE TraceId = {trace_id:String}
ORDER BY Timestamp, SpanId
