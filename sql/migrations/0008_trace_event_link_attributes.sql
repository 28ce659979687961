-- Typed event and link attribute values (OTLP int, double, bool, arrays), beside the text Map
-- columns of the Collector exporter layout, as SpanAttributesJSON does for span attributes: one
-- JSON array per span, an object of attributes per event / link, in the order of Events / Links.
-- Spans written by a Collector leave them empty and read back as the text maps.
ALTER TABLE otel_traces ADD COLUMN IF NOT EXISTS EventsAttributesJSON String DEFAULT '' CODEC(ZSTD(1));
ALTER TABLE otel_traces ADD COLUMN IF NOT EXISTS LinksAttributesJSON String DEFAULT '' CODEC(ZSTD(1));
