// GET /api/v1/health: whether writes can succeed, the engine, the version, how fresh each
// configured source is, whether the demo firm is still loading, and the span log's backlog.
// `failing` (answered 503) when no write can succeed; `degraded` when something acknowledged is
// not where reads find it (span-log rows set aside, derived tables failed).
import type { Db } from '../db/client.ts'
import type { Clock } from '../lib/clock.ts'
import { WriteProbe } from './health-probe.ts'
import { diskUsage } from '../ops/disk.ts'
import { queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { chToIso } from '../lib/time.ts'
import { routes } from '../http/openapi.ts'
import { spanLogState } from '../traces/store.ts'
import { health } from './health.schema.ts'

interface Freshness {
  system: string
  last_observed_at: string
  last_received_at: string
  batches: string
}

const probes = new WeakMap<Db, WriteProbe>()

function probeFor(db: Db, clock: Clock): WriteProbe {
  let p = probes.get(db)
  if (!p) probes.set(db, (p = new WriteProbe(db, clock)))
  return p
}

export const healthRoutes = routes().openapi(health, async (c) => {
  const { db, config, version, cache, derived, clock } = c.var.services
  // Both change only with a write (a batch, an upgrade of the engine means a restart).
  const [[engine], fresh, writes, disk] = await Promise.all([
    cache.get('health.version', () => queryRows<{ v: string }>(db, 'health.version', sqlFile('health/version.sql'))),
    cache.get('health.freshness', () => queryRows<Freshness>(db, 'health.freshness', sqlFile('health/freshness.sql'))),
    probeFor(db, clock).check(),
    cache.get('health.disk', () => diskUsage(db)),
  ])
  const bySystem = new Map(fresh.map((r) => [r.system, r]))
  const spanLog = spanLogState(db)
  const problems: string[] = []
  if (writes.problem) problems.push(writes.problem)
  if (spanLog?.setAside.length)
    problems.push(`${spanLog.setAside.reduce((n: number, s: { rows: number }) => n + s.rows, 0)} acknowledged span rows are set aside (span-log/failed/): the engine refused them, so reads do not show them.`)
  if (derived.state === 'failed') problems.push('The derived time-entry tables failed to build: reads fall back to history, which is slower.')
  const status = writes.problem ? ('failing' as const) : problems.length ? ('degraded' as const) : ('ok' as const)
  const now = Date.now()
  const staleHours = (config.rules.source_stale as { max_age_hours?: number } | undefined)?.max_age_hours ?? 24
  const body = {
      problems,
      writes,
      version,
      // Only with `serve --demo` on an empty database: the firm loads for a few seconds after start.
      demo: c.var.services.demo ?? null,
      // Spans acknowledged but not yet in otel_traces (embedded engine): segments waiting, those
      // whose last load failed, and those set aside as bad data since the start.
      span_log: spanLog ? { segments_pending: spanLog.pending, segments_failing: spanLog.failing, segments_set_aside: spanLog.setAside.length } : null,
      // Derived time-entry tables (server/derived/): while `building` (a first start on existing
      // data, or after a crash), reads are exact but computed from history, which is slower.
      fast_path: {
        state: derived.state,
        // Committed batches not applied yet: the next read that needs them applies them first.
        pending_batches: derived.pendingBatches,
        covers_as_of_from: chToIso(derived.floor),
        last_rebuild: derived.lastRebuild,
        error: derived.lastError,
      },
      read_cache: cache.status(),
      // Bytes and rows each part of the data takes in the engine (retention keeps these in check).
      disk,
      engine: { kind: db.engine, version: engine.v },
      sources: config.sources.map((s) => {
        const f = bySystem.get(s.system)
        const last = chToIso(f?.last_observed_at)
        const age = last ? Math.round((now - Date.parse(last)) / 1000) : null
        return {
          system: s.system,
          kind: s.kind,
          last_observed_at: last,
          last_received_at: chToIso(f?.last_received_at),
          batches: Number(f?.batches ?? 0),
          age_seconds: age,
          fresh: age !== null && age <= staleHours * 3600,
        }
      }),
  }
  const answer = c.json({ status, ...body }, 200)
  // 503 with the same body when no write can succeed: a monitor sees it without reading JSON.
  return status === 'failing' ? (new Response(answer.body, { status: 503, headers: answer.headers }) as typeof answer) : answer
})
