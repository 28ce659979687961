// The detection engine: runs every enabled rule as of a time and turns what they find into
// exceptions. New ones open, ones that return reopen, ones a run no longer reproduces resolve
// automatically. Runs are serialised: one at a time per process.
import crypto from 'node:crypto'
import type { Db } from '../db/client.ts'
import { insertRows, queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import type { Config } from '../config/schema.ts'
import { arrivalMicros, microsToCh, toChDateTime } from '../lib/time.ts'
import { runRule, type Detection } from '../rules/run-rule.ts'
import { settleSpans } from '../traces/store.ts'
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

interface Known {
  id: string
  status: string
  last_run: string | null
  content_hash: string | null
}

/** The rows a run writes, and its counts. */
interface Changes {
  contentRows: object[]
  seenRows: object[]
  events: object[]
  /** Opened and reopened, in the order found. */
  opened: string[]
  reopened: number
  stillOpen: number
  autoResolved: number
}

/** What every row of one run shares. */
interface RunContext {
  config: Config
  runId: string
  startedAt: string
  asOf: Date
  asOfCh: string
}

const runs = new Serial()

export function detect(db: Db, config: Config, asOf: Date, trigger: string, onOpened?: OpenedListener, opts: PathOptions = {}): Promise<RunResult> {
  return runs.run(() => runDetection(db, config, asOf, trigger, onOpened, opts))
}

async function runDetection(db: Db, config: Config, asOf: Date, trigger: string, onOpened?: OpenedListener, opts: PathOptions = {}): Promise<RunResult> {
  const t0 = performance.now()
  const run: RunContext = { config, runId: crypto.randomUUID(), startedAt: microsToCh(arrivalMicros()), asOf, asOfCh: toChDateTime(asOf) }
  const { found, rules } = await runRules(db, config, run.asOfCh, opts)
  const known = await knownExceptions(db)
  const [prev] = await queryRows<{ run_id: string }>(db, 'detect.prev_run', sqlFile('detect/prev_run.sql'))
  const changes = compare(run, found, known, prev?.run_id ?? null)
  await insertRows(db, 'exception_detections', changes.contentRows)
  await insertRows(db, 'exception_seen', changes.seenRows)
  await insertRows(db, 'exception_events', changes.events)
  const result: RunResult = {
    run_id: run.runId,
    as_of: asOf.toISOString(),
    detected: found.size,
    opened: changes.opened.length - changes.reopened,
    reopened: changes.reopened,
    still_open: changes.stillOpen,
    auto_resolved: changes.autoResolved,
    rules,
    duration_ms: Math.round(performance.now() - t0),
  }
  await recordRun(db, run, trigger, result)
  onOpened?.(changes.opened)
  return result
}

/** Every enabled rule's findings by exception id, and each rule's count and time. */
async function runRules(db: Db, config: Config, asOfCh: string, opts: PathOptions) {
  const rules: RunResult['rules'] = {}
  const found = new Map<string, Found>()
  for (const rule of enabledRules(config)) {
    // Spans still buffered would be missed by the one rule that reads them.
    if (rule === 'transaction_failed') await settleSpans(db)
    const t = performance.now()
    const rows = await runRule(db, config, rule, asOfCh, opts)
    rules[rule] = { count: rows.length, ms: Math.round(performance.now() - t) }
    for (const d of rows) {
      const f = routed(config, d)
      found.set(f.id, f)
    }
  }
  return { found, rules }
}

/** A finding with its id, severity, owner and the hash that tells whether its content changed. */
function routed(config: Config, d: Detection): Found {
  const id = exceptionId(d.rule, d.entity_type, d.entity_key)
  const severity = severityOf(config, d.rule)
  const owner = routeOwner(config, { rule: d.rule, severity, practice: d.practice, region: d.region, systems: d.systems })
  const hash = crypto
    .createHash('sha1')
    .update(JSON.stringify([d.systems, severity, owner, d.amount_at_risk, d.currency, d.practice, d.region, d.details]))
    .digest('hex')
  return { ...d, id, severity, owner, hash }
}

async function knownExceptions(db: Db): Promise<Map<string, Known>> {
  const rows = await queryRows<Known>(db, 'detect.known', sqlFile('exceptions/known.sql'), {}, { join_use_nulls: 1 })
  return new Map(rows.map((r) => [r.id, r]))
}

/** This run's findings against what was known: new content, sightings, and status events. */
function compare(run: RunContext, found: Map<string, Found>, known: Map<string, Known>, prevRun: string | null): Changes {
  const c: Changes = { contentRows: [], seenRows: [], events: [], opened: [], reopened: 0, stillOpen: 0, autoResolved: 0 }
  const event = (exception_id: string, type: string, extra: Record<string, unknown> = {}) =>
    c.events.push({
      event_id: crypto.randomUUID(), exception_id, at: microsToCh(arrivalMicros()), type, actor: 'crosswalk', note: '', owner: '', run_id: run.runId, ...extra,
    })
  for (const d of found.values()) {
    const k = known.get(d.id)
    if (!k || k.content_hash !== d.hash) c.contentRows.push(contentRow(run, d))
    c.seenRows.push({ exception_id: d.id, run_id: run.runId, run_at: run.startedAt, last_detected_at: run.asOfCh })
    const due = toChDateTime(new Date(run.asOf.getTime() + slaHours(run.config, d.severity) * 3600_000))
    if (!k) {
      event(d.id, 'opened', { detected_at: run.asOfCh, due_at: due })
      c.opened.push(d.id)
    } else if (k.status === 'resolved' && k.last_run !== prevRun) {
      // It had cleared (not reproduced by the previous run) and is back. A manual resolution of
      // something still detected stays resolved until it clears and returns.
      event(d.id, 'reopened', { detected_at: run.asOfCh, due_at: due })
      c.opened.push(d.id)
      c.reopened++
    } else if (k.status !== 'resolved') c.stillOpen++
  }
  for (const k of known.values()) {
    if (k.status !== 'resolved' && !found.has(k.id)) {
      event(k.id, 'auto_resolved', { note: 'The condition no longer holds.' })
      c.autoResolved++
    }
  }
  return c
}

function contentRow(run: RunContext, d: Found): object {
  return {
    exception_id: d.id, run_id: run.runId, run_at: run.startedAt, rule: d.rule, entity_type: d.entity_type, entity_key: d.entity_key,
    systems: d.systems, severity: d.severity, routed_owner: d.owner, amount_at_risk: d.amount_at_risk, currency: d.currency,
    practice: d.practice, region: d.region, details: JSON.stringify(d.details), content_hash: d.hash,
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
