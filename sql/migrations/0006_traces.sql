-- Transaction traces (CONTRACT §3). `otel_traces` has the column layout of the OpenTelemetry
-- Collector's ClickHouse exporter, so a firm's existing Collector can write spans into this same
-- database and Crosswalk reads them too. Crosswalk's own ingest also fills the two *JSON
-- columns with the typed OTLP attribute values (the Map columns hold them as text, as the
-- exporter does); spans from a Collector leave them empty.
CREATE TABLE IF NOT EXISTS otel_traces
(
    Timestamp              DateTime64(9) CODEC(Delta, ZSTD(1)),
    TraceId                String CODEC(ZSTD(1)),
    SpanId                 String CODEC(ZSTD(1)),
    ParentSpanId           String CODEC(ZSTD(1)),
    TraceState             String CODEC(ZSTD(1)),
    SpanName               LowCardinality(String) CODEC(ZSTD(1)),
    SpanKind               LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName            LowCardinality(String) CODEC(ZSTD(1)),
    ResourceAttributes     Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    ScopeName              String CODEC(ZSTD(1)),
    ScopeVersion           String CODEC(ZSTD(1)),
    SpanAttributes         Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    Duration               UInt64 CODEC(ZSTD(1)),
    StatusCode             LowCardinality(String) CODEC(ZSTD(1)),
    StatusMessage          String CODEC(ZSTD(1)),
    Events Nested
    (
        Timestamp  DateTime64(9),
        Name       LowCardinality(String),
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    Links Nested
    (
        TraceId    String,
        SpanId     String,
        TraceState String,
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    SpanAttributesJSON     String DEFAULT '' CODEC(ZSTD(1)),
    ResourceAttributesJSON String DEFAULT '' CODEC(ZSTD(1)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_entity_key SpanAttributes['crosswalk.entity.key'] TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toDate(Timestamp)
ORDER BY (ServiceName, SpanName, toDateTime(Timestamp))
SETTINGS fsync_after_insert = 1, fsync_part_directory = 1;

-- One row per trace: a transaction (CONTRACT §3). Workflow and entity come from the root span
-- (no parent), falling back to any span that carries them; it failed when any span failed.
CREATE VIEW IF NOT EXISTS transactions AS
SELECT
    TraceId AS trace_id,
    if(root_workflow != '', root_workflow, anyIf(SpanAttributes['crosswalk.workflow'], SpanAttributes['crosswalk.workflow'] != '')) AS workflow,
    if(root_entity_type != '', root_entity_type, anyIf(SpanAttributes['crosswalk.entity.type'], SpanAttributes['crosswalk.entity.type'] != '')) AS entity_type,
    if(root_entity_key != '', root_entity_key, anyIf(SpanAttributes['crosswalk.entity.key'], SpanAttributes['crosswalk.entity.key'] != '')) AS entity_key,
    argMinIf(SpanAttributes['crosswalk.workflow'], Timestamp, ParentSpanId = '') AS root_workflow,
    argMinIf(SpanAttributes['crosswalk.entity.type'], Timestamp, ParentSpanId = '') AS root_entity_type,
    argMinIf(SpanAttributes['crosswalk.entity.key'], Timestamp, ParentSpanId = '') AS root_entity_key,
    arraySort(groupUniqArray(ServiceName)) AS systems,
    min(Timestamp) AS started_at,
    max(addNanoseconds(Timestamp, Duration)) AS ended_at,
    countIf(StatusCode IN ('Error', 'STATUS_CODE_ERROR')) > 0 AS failed,
    argMinIf(SpanName, Timestamp, StatusCode IN ('Error', 'STATUS_CODE_ERROR')) AS failed_step,
    argMinIf(StatusMessage, Timestamp, StatusCode IN ('Error', 'STATUS_CODE_ERROR')) AS error_message,
    count() AS spans
FROM otel_traces
GROUP BY TraceId;
