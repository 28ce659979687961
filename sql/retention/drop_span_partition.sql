-- One day of spans, gone (its name from span_partitions.sql).
ALTER TABLE otel_traces DROP PARTITION {partition:String}
