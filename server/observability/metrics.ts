// What GET /metrics answers (Prometheus text, prom-client): one registry per running server
// (tests run several in one process), found from its storage handle by the code that observes
// (ingest, detection, notifications, connectors), which has the Db at hand. Labels take only
// bounded values: configured systems, the entity list, rule names, route patterns, statuses.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Db } from '../db/client.ts'
import { queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { spanLogBacklog } from '../traces/store.ts'
import { logOf } from './log.ts'

const SECONDS_FAST = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
const SECONDS_SLOW = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900]

export class Metrics {
  readonly registry = new Registry()
  private readonly ingestRows = this.counter('crosswalk_ingest_rows_total', 'Records accepted by ingest, per source system and entity.', ['system', 'entity'])
  private readonly ingestRejects = this.counter('crosswalk_ingest_rejects_total', 'Records rejected by ingest (sent to dead letters), per source system and entity.', ['system', 'entity'])
  private readonly batchSeconds = this.histogram('crosswalk_ingest_batch_duration_seconds', 'Time from the start of an ingest batch to its commit.', ['system', 'entity'], SECONDS_SLOW)
  private readonly runSeconds = this.histogram('crosswalk_detection_run_duration_seconds', 'Duration of a detection run.', ['trigger'], SECONDS_SLOW)
  private readonly ruleSeconds = this.histogram('crosswalk_detection_rule_duration_seconds', 'Duration of one rule within a detection run.', ['rule'], SECONDS_FAST)
  private readonly httpSeconds = this.histogram('crosswalk_http_request_duration_seconds', 'HTTP requests by route pattern, method and status, until the answer starts.', ['method', 'route', 'status'], SECONDS_FAST)
  private readonly notifyAttemptFailures = this.counter('crosswalk_notification_attempt_failures_total', 'Webhook notification attempts that failed (each retry counts).', [])
  private readonly notifyFailures = this.counter('crosswalk_notification_failures_total', 'Webhook notifications given up after their last attempt failed.', [])
  private readonly connectorRuns = this.counter('crosswalk_connector_runs_total', 'Connector pulls that ended, per source system and status.', ['system', 'status'])

  constructor(db: Db, version: string) {
    const registers = [this.registry]
    collectDefaultMetrics({ register: this.registry })
    new Gauge({ name: 'crosswalk_build_info', help: 'The running version (always 1).', labelNames: ['version'], registers }).set({ version }, 1)
    // The span log exists on the embedded engine only (a data dir); on a ClickHouse server these are absent.
    if (db.dataDir) {
      const backlog = () => spanLogBacklog(db) ?? { segments: 0, bytes: 0, failing: 0 }
      new Gauge({ name: 'crosswalk_span_log_segments', help: 'Span log segments acknowledged but not yet loaded.', registers, collect() { this.set(backlog().segments) } })
      new Gauge({ name: 'crosswalk_span_log_bytes', help: 'Bytes of spans acknowledged but not yet loaded.', registers, collect() { this.set(backlog().bytes) } })
      new Gauge({ name: 'crosswalk_span_log_segments_failing', help: 'Span log segments whose last load failed.', registers, collect() { this.set(backlog().failing) } })
    }
    new Gauge({
      name: 'crosswalk_engine_memory_bytes',
      help: 'Memory the storage engine tracks as in use (system.metrics MemoryTracking), read at each scrape.',
      registers,
      async collect() {
        try {
          const [row] = await queryRows<{ bytes: string }>(db, 'metrics.engine_memory', sqlFile('metrics/engine_memory.sql'))
          this.set(row ? Number(row.bytes) : Number.NaN)
        } catch (e) {
          // A scrape still answers while storage is down; the gauge says it does not know.
          this.set(Number.NaN)
          logOf(db).warn({ err: e }, 'metrics: engine memory could not be read')
        }
      },
    })
  }

  /** One ingest request's batch, once committed (a resent duplicate wrote nothing: time only). */
  ingested(system: string, entity: string, r: { accepted: number; rejected: number; duplicate: boolean }, seconds: number): void {
    const labels = { system, entity }
    if (!r.duplicate) {
      this.ingestRows.inc(labels, r.accepted)
      this.ingestRejects.inc(labels, r.rejected)
    }
    this.batchSeconds.observe(labels, seconds)
  }

  detectionRun(trigger: string, seconds: number): void {
    this.runSeconds.observe({ trigger }, seconds)
  }

  rule(rule: string, seconds: number): void {
    this.ruleSeconds.observe({ rule }, seconds)
  }

  request(method: string, route: string, status: number, seconds: number): void {
    this.httpSeconds.observe({ method, route, status: String(status) }, seconds)
  }

  /** A delivery attempt failed; `final`: it was the last, the notification is given up. */
  notificationFailed(final: boolean): void {
    ;(final ? this.notifyFailures : this.notifyAttemptFailures).inc()
  }

  connectorRun(system: string, status: string): void {
    this.connectorRuns.inc({ system, status })
  }

  /** The exposition, in Prometheus text format. */
  text(): Promise<string> {
    return this.registry.metrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]) {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] })
  }

  private histogram<L extends string>(name: string, help: string, labelNames: L[], buckets: number[]) {
    return new Histogram<L>({ name, help, labelNames, buckets, registers: [this.registry] })
  }
}

const byDb = new WeakMap<Db, Metrics>()

export function bindMetrics(db: Db, m: Metrics): void {
  byDb.set(db, m)
}

/** The metrics of the server using `db`; undefined for code run outside a server (CLI, tests). */
export function metricsOf(db: Db): Metrics | undefined {
  return byDb.get(db)
}
