-- Spans reach otel_traces from Crosswalk's span log (server/traces/span-log.ts) one segment per
-- insert, each with the segment's name as insert_deduplication_token. Keeping a window of
-- recent insert tokens makes loading a segment again after a crash (it landed, but the process
-- died before removing the file) a no-op instead of a second copy of its spans.
ALTER TABLE otel_traces MODIFY SETTING non_replicated_deduplication_window = 1000;
