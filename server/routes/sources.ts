// GET /api/v1/sources: each configured source with its kind, last batch, freshness and
// records per entity.
import type { z } from '@hono/zod-openapi'
import { queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { sqlAsOf } from '../derived/index.ts'
import { chToIso, parseDatetime, toChDateTime } from '../lib/time.ts'
import { exact, routes } from '../http/openapi.ts'
import { list, oneRun, pull, runs, type SourcesAnswer } from './sources.schema.ts'
import { notFound } from '../lib/errors.ts'
import type { Services } from '../context.ts'
import type { Run } from '../connectors/runs.ts'

/** A row of sources/batches.sql (counts are 64-bit: text). */
interface BatchRow {
  system: string
  batches: string
  last_observed_at: string | null
  last_received_at: string | null
  last_entity: string
  last_batch: string
  rejected: string
}

export const sourceRoutes = routes()
  .openapi(list, async (c) => {
  const { db, config, cache, clock } = c.var.services
  const q = c.req.valid('query')
  const asOf = q.as_of ? parseDatetime(q.as_of)! : clock.now()
  const at = toChDateTime(asOf)
  const [counts, batches] = await Promise.all([
    // Counting every entity's winners is the slow part: once per generation (read/cache.ts).
    cache.get(`sources.entity_counts|${cache.asOfKey(asOf, q.as_of !== undefined)}`, async () =>
      queryRows<{ system: string; entity: string; records: string; deleted: string }>(db, 'sources.entity_counts', await sqlAsOf(db, 'sources/entity_counts', at), { as_of: at }),
    ),
    cache.get('sources.batches', () => queryRows<BatchRow>(db, 'sources.batches', sqlFile('sources/batches.sql'))),
  ])
  const staleHours = Number(config.rules.source_stale?.max_age_hours ?? 24)
  const connectors = await connectorStatus(c.var.services)
  return exact<z.output<typeof SourcesAnswer>>(c, {
    as_of: asOf.toISOString(),
    items: config.sources.map((s) => {
      const b = batches.find((r) => r.system === s.system)
      const last = chToIso(b?.last_observed_at)
      return {
        system: s.system,
        kind: s.kind,
        name: s.name ?? s.system,
        batches: Number(b?.batches ?? 0),
        last_batch: b?.last_batch ?? null,
        last_entity: b?.last_entity ?? null,
        last_observed_at: last,
        last_received_at: chToIso(b?.last_received_at),
        stale: !last || asOf.getTime() - Date.parse(last) > staleHours * 3600_000,
        rejected: Number(b?.rejected ?? 0),
        entities: Object.fromEntries(
          counts.filter((r) => r.system === s.system).map((r) => [r.entity, { records: Number(r.records), deleted: Number(r.deleted) }]),
        ),
        connector: connectors.get(s.system) ?? null,
      }
    }),
    next_cursor: null,
  })
})
  .openapi(pull, async (c) => {
    const { system } = c.req.valid('param')
    const connectors = c.var.services.connectors
    if (!connectors?.source(system)) throw notFound(`${system} is not a configured source with a connector.`)
    const { run } = await connectors.pull(system, c.req.valid('query').mode, 'api')
    return c.json({ run_id: run.run_id }, 202)
  })
  .openapi(runs, async (c) => {
    const { system } = c.req.valid('param')
    const connectors = c.var.services.connectors
    if (!connectors?.source(system)) throw notFound(`${system} is not a configured source with a connector.`)
    return c.json({ items: (await connectors.runs(system, c.req.valid('query').limit)).map(runAnswer), next_cursor: null }, 200)
  })
  .openapi(oneRun, async (c) => {
    const { system, run_id } = c.req.valid('param')
    const run = await c.var.services.connectors?.run(system, run_id)
    if (!run) throw notFound(`No run ${run_id} of ${system}.`)
    return c.json(runAnswer(run), 200)
  })

const runAnswer = ({ system: _system, ...run }: Run) => run

/** Per source with a connector: its schedule and last run (a run is a few rows: read live). */
async function connectorStatus(s: Services) {
  const out = new Map<string, { type: string; every: string | null; full_every: string | null; next_run_at: string | null; next_mode: 'incremental' | 'full' | null; last_run: ReturnType<typeof runAnswer> | null }>()
  if (!s.connectors) return out
  for (const src of s.config.sources) {
    if (!src.connector) continue
    const { next_run_at, next_mode } = s.connectors.schedule(src.system)
    const [last] = await s.connectors.runs(src.system, 1)
    out.set(src.system, { type: src.connector.type, every: src.connector.every ?? null, full_every: src.connector.full_every ?? null, next_run_at, next_mode, last_run: last ? runAnswer(last) : null })
  }
  return out
}
