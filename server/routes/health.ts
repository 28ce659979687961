// GET /api/v1/health: the engine, the version, how fresh each configured source is, whether the
// demo firm is still loading, and the span log's backlog.
import { queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { chToIso } from '../lib/time.ts'
import { routes } from '../http/openapi.ts'
import { spanLogStatus } from '../traces/store.ts'
import { health } from './health.schema.ts'

interface Freshness {
  system: string
  last_observed_at: string
  last_received_at: string
  batches: string
}

export const healthRoutes = routes().openapi(health, async (c) => {
  const { db, config, version, cache, derived } = c.var.services
  // Both change only with a write (a batch, an upgrade of the engine means a restart).
  const [[engine], fresh] = await Promise.all([
    cache.get('health.version', () => queryRows<{ v: string }>(db, 'health.version', sqlFile('health/version.sql'))),
    cache.get('health.freshness', () => queryRows<Freshness>(db, 'health.freshness', sqlFile('health/freshness.sql'))),
  ])
  const bySystem = new Map(fresh.map((r) => [r.system, r]))
  const spanLog = spanLogStatus(db)
  const now = Date.now()
  const staleHours = (config.rules.source_stale as { max_age_hours?: number } | undefined)?.max_age_hours ?? 24
  return c.json(
    {
      status: 'ok' as const,
      version,
      // Only with `serve --demo` on an empty database: the firm loads for a few seconds after start.
      demo: c.var.services.demo ?? null,
      // Spans acknowledged but not yet in otel_traces (embedded engine): segments waiting, those
      // whose last load failed, and those set aside as bad data since the start.
      span_log: spanLog ? { segments_pending: spanLog.pending, segments_failing: spanLog.failing, segments_set_aside: spanLog.setAside } : null,
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
    },
    200,
  )
})
