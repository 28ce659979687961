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

const runs = new Serial()

export function detect(db: Db, config: Config, asOf: Date, trigger: string, onOpened?: OpenedListener, opts: PathOptions = {}): Promise<RunResult> {
  return runs.run(() => runDetection(db, config, asOf, trigger, onOpened, opts))
}

async function runDetection(db: Db, config: Config, asOf: Date, trigger: string, onOpened?: OpenedListener, opts: PathOptions = {}): Promise<RunResult> {
  const t0 = performance.now()
  const runId = crypto.randomUUID()
  const startedAt = microsToCh(arrivalMicros())
  const asOfCh = toChDateTime(asOf)

  const rules: RunResult['rules'] = {}
  const found = new Map<string, Detection & { id: string; severity: string; owner: string; hash: string }>()
  for (const rule of enabledRules(config)) {
    if (rule === 'transaction_failed' && !(await hasRuleFile(rule))) continue
    if (rule === 'transaction_failed') await settleSpans(db)
    const t = performance.now()
    const rows = await runRule(db, config, rule, asOfCh, opts)
    rules[rule] = { count: rows.length, ms: Math.round(performance.now() - t) }
    for (const d of rows) {
      const id = exceptionId(d.rule, d.entity_type, d.entity_key)
      const severity = severityOf(config, d.rule)
      const owner = routeOwner(config, { rule: d.rule, severity, practice: d.practice, region: d.region, systems: d.systems })
      const hash = crypto
        .createHash('sha1')
        .update(JSON.stringify([d.systems, severity, owner, d.amount_at_risk, d.currency, d.practice, d.region, d.details]))
        .digest('hex')
      found.set(id, { ...d, id, severity, owner, hash })
    }
  }

  const known = new Map(
    (await queryRows<{ id: string; status: string; last_run: string | null; content_hash: string | null }>(db, 'detect.known', sqlFile('exceptions/known.sql'), {}, { join_use_nulls: 1 })).map(
      (r) => [r.id, r],
    ),
  )
  const [prev] = await queryRows<{ run_id: string }>(db, 'detect.prev_run', 'SELECT run_id FROM detection_runs ORDER BY finished_at DESC LIMIT 1')
  const prevRun = prev?.run_id ?? null

  const contentRows: object[] = []
  const seenRows: object[] = []
  const events: object[] = []
  const opened: string[] = []
  let reopened = 0
  let stillOpen = 0
  let autoResolved = 0
  const at = () => microsToCh(arrivalMicros())
  const event = (exception_id: string, type: string, extra: Record<string, unknown> = {}) =>
    events.push({ event_id: crypto.randomUUID(), exception_id, at: at(), type, actor: 'crosswalk', note: '', owner: '', run_id: runId, ...extra })

  for (const d of found.values()) {
    const k = known.get(d.id)
    if (!k || k.content_hash !== d.hash)
      contentRows.push({
        exception_id: d.id, run_id: runId, run_at: startedAt, rule: d.rule, entity_type: d.entity_type, entity_key: d.entity_key,
        systems: d.systems, severity: d.severity, routed_owner: d.owner, amount_at_risk: d.amount_at_risk, currency: d.currency,
        practice: d.practice, region: d.region, details: JSON.stringify(d.details), content_hash: d.hash,
      })
    seenRows.push({ exception_id: d.id, run_id: runId, run_at: startedAt, last_detected_at: asOfCh })
    const due = toChDateTime(new Date(asOf.getTime() + slaHours(config, d.severity as never) * 3600_000))
    if (!k) {
      event(d.id, 'opened', { detected_at: asOfCh, due_at: due })
      opened.push(d.id)
    } else if (k.status === 'resolved' && k.last_run !== prevRun) {
      // It had cleared (not reproduced by the previous run) and is back. A manual resolution of
      // something still detected stays resolved until it clears and returns.
      event(d.id, 'reopened', { detected_at: asOfCh, due_at: due })
      opened.push(d.id)
      reopened++
    } else if (k.status !== 'resolved') stillOpen++
  }
  for (const k of known.values()) {
    if (k.status !== 'resolved' && !found.has(k.id)) {
      event(k.id, 'auto_resolved', { note: 'The condition no longer holds.' })
      autoResolved++
    }
  }

  await insertRows(db, 'exception_detections', contentRows)
  await insertRows(db, 'exception_seen', seenRows)
  await insertRows(db, 'exception_events', events)
  const result: RunResult = {
    run_id: runId,
    as_of: asOf.toISOString(),
    detected: found.size,
    opened: opened.length - reopened,
    reopened,
    still_open: stillOpen,
    auto_resolved: autoResolved,
    rules,
    duration_ms: Math.round(performance.now() - t0),
  }
  await insertRows(db, 'detection_runs', [
    {
      run_id: runId, as_of: asOfCh, started_at: startedAt, finished_at: microsToCh(arrivalMicros()), trigger,
      detected: result.detected, opened: result.opened, reopened, still_open: stillOpen, auto_resolved: autoResolved,
      rules: JSON.stringify(rules),
    },
  ])
  onOpened?.(opened)
  return result
}

async function hasRuleFile(rule: string): Promise<boolean> {
  try {
    sqlFile(`rules/${rule}.sql`)
    return true
  } catch {
    return false
  }
}
