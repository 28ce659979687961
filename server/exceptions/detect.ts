// The detection engine: runs every enabled rule as of a time and turns what they find into
// exceptions. New ones open, ones that return reopen, ones a run no longer reproduces resolve
// automatically. Runs are serialised: one at a time per process, and one at a time across
// servers on one engine (the detection lease, lease.ts). A run streams: each rule's rows come in
// pages and its writes go out in batches, so memory holds ids, not findings (200,000 exceptions
// once peaked at 2.5 GB). A run cut short is undone by the next one (its rows carry its run_id).
import crypto from 'node:crypto'
import type { Db } from '../db/client.ts'
import { command, insertRows, queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import type { Config } from '../config/schema.ts'
import { arrivalMicros, microsToCh, toChDateTime } from '../lib/time.ts'
import { ruleQuery, toDetection, type Detection } from '../rules/run-rule.ts'
import { streamRows } from '../db/stream.ts'
import type { Clock } from '../lib/clock.ts'
import { leaseFor, type DetectionLease } from '../db/lease.ts'
import type { RuleName } from '../rules/catalog.ts'
import { settleSpans } from '../traces/store.ts'
import { watchDetection, watchRule } from '../observability/watch.ts'
import type { PathOptions } from '../derived/index.ts'
import { exceptionId } from './ids.ts'
import { Serial } from '../lib/serial.ts'
import { enabledRules, routeOwner, severityOf, slaHours } from './routing.ts'
import type { Severity } from '../rules/catalog.ts'

export interface RunResult {
  run_id: string
  as_of: string
  detected: number
  opened: number
  reopened: number
  still_open: number
  auto_resolved: number
  rules: Record<string, { count: number; ms: number }>
  duration_ms: number
}

/** Called after every run with the exceptions it opened or reopened (notifications hook in here). */
export type OpenedListener = (ids: string[]) => void

/** A rule's finding with the routing, severity and content hash the run gives it. */
type Found = Detection & { id: string; severity: Severity; owner: string; hash: string }

/** What a run needs to know of an exception already stored. */
interface Known {
  resolved: boolean
  /** Reproduced by the previous finished run. */
  seenByPrev: boolean
  hash: string | null
}

/** What every row of one run shares. */
interface RunContext {
  config: Config
  runId: string
  startedAt: string
  asOf: Date
  asOfCh: string
}

export type DetectOptions = PathOptions & { clock?: Clock }

/** Rows written per insert, and rule rows held at once. */
const BATCH = 10_000

const runs = new Serial()

export function detect(db: Db, config: Config, asOf: Date, trigger: string, onOpened?: OpenedListener, opts: DetectOptions = {}): Promise<RunResult> {
  return runs.run(() => watchDetection(db, trigger, () => leased(db, config, asOf, trigger, onOpened, opts)))
}

/** Holds the lease (renewed) for the run; undoes a run a crashed holder left unfinished. */
async function leased(db: Db, config: Config, asOf: Date, trigger: string, onOpened: OpenedListener | undefined, opts: DetectOptions) {
  const lease = leaseFor(db, { clock: opts.clock })
  const run: RunContext = { config, runId: crypto.randomUUID(), startedAt: '', asOf, asOfCh: toChDateTime(asOf) }
  const orphan = await lease.acquire(run.runId)
  const renew = setInterval(() => void lease.renew().catch(() => {}), lease.ttlMs / 3)
  renew.unref()
  try {
    if (orphan) await forgetUnfinished(db, orphan)
    run.startedAt = microsToCh(arrivalMicros())
    const { result, opened } = await runDetection(db, run, lease, trigger, opts)
    onOpened?.(opened)
    return result
  } finally {
    clearInterval(renew)
    await lease.release().catch(() => {})
  }
}

async function forgetUnfinished(db: Db, runId: string): Promise<void> {
  const [done] = await queryRows<{ n: string }>(db, 'detect.run_finished', sqlFile('detect/run_finished.sql'), { run_id: runId })
  if (Number(done?.n ?? 0) > 0) return
  for (const t of ['exception_events', 'exception_detections', 'exception_seen'])
    await command(db, `detect.forget.${t}`, sqlFile(`detect/forget_${t}.sql`), { run_id: runId })
}

async function runDetection(db: Db, run: RunContext, lease: DetectionLease, trigger: string, opts: PathOptions) {
  const t0 = performance.now()
  const [prev] = await queryRows<{ run_id: string }>(db, 'detect.prev_run', sqlFile('detect/prev_run.sql'))
  const known = await knownExceptions(db, prev?.run_id ?? null)
  const w = new RunWriter(db, run, lease)
  const rules: RunResult['rules'] = {}
  for (const rule of enabledRules(run.config)) {
    // Spans still buffered would be missed by the one rule that reads them.
    if (rule === 'transaction_failed') await settleSpans(db)
    const t = performance.now()
    const watched = watchRule(db, rule)
    let count = 0
    for await (const rows of ruleRows(db, run, rule, opts)) {
      count += rows.length
      for (const r of rows) await w.found(routed(run.config, toDetection(rule, r, run.config.reporting_currency)), known)
    }
    rules[rule] = { count, ms: Math.round(performance.now() - t) }
    watched(count)
  }
  for (const [id, k] of known) if (!k.resolved && !w.seen.has(id)) await w.autoResolve(id)
  await w.finish()
  const result: RunResult = {
    run_id: run.runId,
    as_of: run.asOf.toISOString(),
    detected: w.seen.size,
    opened: w.opened.length - w.reopened,
    reopened: w.reopened,
    still_open: w.stillOpen,
    auto_resolved: w.autoResolved,
    rules,
    duration_ms: Math.round(performance.now() - t0),
  }
  await lease.check()
  await recordRun(db, run, trigger, result)
  return { result, opened: w.opened }
}

/** A rule's rows in pages (through a scratch table on the embedded engine). */
async function* ruleRows(db: Db, run: RunContext, rule: RuleName, opts: PathOptions) {
  const { sql, params } = await ruleQuery(db, run.config, rule, run.asOfCh, opts)
  yield* streamRows(db, `rules.${rule}`, sql, params)
}

/** A finding with its id, severity, owner and the hash that tells whether its content changed. */
function routed(config: Config, d: Detection): Found {
  const id = exceptionId(d.rule, d.entity_type, d.entity_key)
  const severity = severityOf(config, d.rule)
  const owner = routeOwner(config, { rule: d.rule, severity, practice: d.practice, region: d.region, systems: d.systems })
  const hash = crypto
    .createHash('sha1')
    .update(JSON.stringify([d.systems, severity, owner, d.amount_at_risk, d.currency, d.practice, d.region, d.details, d.amount_at_risk_reporting, d.reporting_currency]))
    .digest('hex')
  return { ...d, id, severity, owner, hash }
}

async function knownExceptions(db: Db, prevRun: string | null): Promise<Map<string, Known>> {
  const known = new Map<string, Known>()
  const rows = streamRows(db, 'detect.known', sqlFile('exceptions/known.sql'), {})
  for await (const page of rows as AsyncGenerator<Array<{ id: string; status: string; last_run: string | null; content_hash: string | null }>>)
    for (const r of page) known.set(r.id, { resolved: r.status === 'resolved', seenByPrev: r.last_run === prevRun, hash: r.content_hash })
  return known
}

/**
 * A run's findings against what was known, written in batches as they come: new content, status
 * events, and at the end the sightings (exception_seen, last: it is a ReplacingMergeTree, so an
 * unfinished run's rows there are undone before a merge can fold older rows into them).
 */
class RunWriter {
  readonly seen = new Set<string>()
  /** Opened and reopened, in the order found. */
  readonly opened: string[] = []
  reopened = 0
  stillOpen = 0
  autoResolved = 0
  private content: object[] = []
  private events: object[] = []

  constructor(
    private readonly db: Db,
    private readonly run: RunContext,
    private readonly lease: DetectionLease,
  ) {}

  async found(d: Found, known: Map<string, Known>): Promise<void> {
    // One finding per exception: a rule naming an entity twice counts it once.
    if (this.seen.has(d.id)) return
    this.seen.add(d.id)
    const k = known.get(d.id)
    if (!k || k.hash !== d.hash) this.content.push(contentRow(this.run, d))
    const due = toChDateTime(new Date(this.run.asOf.getTime() + slaHours(this.run.config, d.severity) * 3600_000))
    if (!k) {
      this.event(d.id, 'opened', { detected_at: this.run.asOfCh, due_at: due })
      this.opened.push(d.id)
    } else if (k.resolved && !k.seenByPrev) {
      // It had cleared (not reproduced by the previous run) and is back. A manual resolution of
      // something still detected stays resolved until it clears and returns.
      this.event(d.id, 'reopened', { detected_at: this.run.asOfCh, due_at: due })
      this.opened.push(d.id)
      this.reopened++
    } else if (!k.resolved) this.stillOpen++
    if (this.content.length >= BATCH || this.events.length >= BATCH) await this.flush()
  }

  async autoResolve(id: string): Promise<void> {
    this.event(id, 'auto_resolved', { note: 'The condition no longer holds.' })
    this.autoResolved++
    if (this.events.length >= BATCH) await this.flush()
  }

  /** What is buffered, then a sighting of every exception found. */
  async finish(): Promise<void> {
    await this.flush()
    const seen = { run_id: this.run.runId, run_at: this.run.startedAt, last_detected_at: this.run.asOfCh }
    let rows: object[] = []
    for (const id of this.seen) {
      rows.push({ exception_id: id, ...seen })
      if (rows.length >= BATCH) rows = await this.write('exception_seen', rows)
    }
    await this.write('exception_seen', rows)
  }

  private event(exception_id: string, type: string, extra: Record<string, unknown> = {}) {
    this.events.push({
      event_id: crypto.randomUUID(), exception_id, at: microsToCh(arrivalMicros()), type, actor: 'crosswalk', note: '', owner: '', run_id: this.run.runId, ...extra,
    })
  }

  private async flush(): Promise<void> {
    this.content = await this.write('exception_detections', this.content)
    this.events = await this.write('exception_events', this.events)
  }

  private async write(table: string, rows: object[]): Promise<object[]> {
    if (rows.length) await this.lease.check()
    await insertRows(this.db, table, rows)
    return []
  }
}

function contentRow(run: RunContext, d: Found): object {
  return {
    exception_id: d.id, run_id: run.runId, run_at: run.startedAt, rule: d.rule, entity_type: d.entity_type, entity_key: d.entity_key,
    systems: d.systems, severity: d.severity, routed_owner: d.owner, amount_at_risk: d.amount_at_risk, currency: d.currency,
    amount_at_risk_reporting: d.amount_at_risk_reporting, reporting_currency: d.reporting_currency, practice: d.practice, region: d.region, details: JSON.stringify(d.details), content_hash: d.hash,
  }
}

function recordRun(db: Db, run: RunContext, trigger: string, r: RunResult): Promise<void> {
  return insertRows(db, 'detection_runs', [
    {
      run_id: run.runId, as_of: run.asOfCh, started_at: run.startedAt, finished_at: microsToCh(arrivalMicros()), trigger,
      detected: r.detected, opened: r.opened, reopened: r.reopened, still_open: r.still_open, auto_resolved: r.auto_resolved,
      rules: JSON.stringify(r.rules),
    },
  ])
}
