-- Days of spans wholly older than the cutoff: otel_traces is partitioned by day, so retention
-- drops whole days (cheap: no rewrite) rather than deleting rows.
SELECT DISTINCT partition
FROM system.parts
WHERE database = currentDatabase() AND table = 'otel_traces' AND active
  AND toDate(min_time) < {cutoff_day:Date} AND toDate(max_time) < {cutoff_day:Date}
ORDER BY partition
