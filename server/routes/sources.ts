// GET /api/v1/sources: each configured source with its kind, last batch, freshness and
// records per entity.
import type { z } from '@hono/zod-openapi'
import { queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { sqlAsOf } from '../derived/index.ts'
import { chToIso, parseDatetime, toChDateTime } from '../lib/time.ts'
import { exact, routes } from '../http/openapi.ts'
import { list, type SourcesAnswer } from './sources.schema.ts'

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

export const sourceRoutes = routes().openapi(list, async (c) => {
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
      }
    }),
    next_cursor: null,
  })
})
