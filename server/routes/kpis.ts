// GET /api/v1/kpis (the catalogue with definitions) and GET /api/v1/kpis/{name}.
import type { z } from '@hono/zod-openapi'
import { badRequest, notFound } from '../lib/errors.ts'
import { parseDatetime } from '../lib/time.ts'
import { exactText, routes } from '../http/openapi.ts'
import { COVERAGE_TEXT, KPIS, KPI_NAMES, type KpiName } from '../kpis/catalog.ts'
import { computeKpi } from '../kpis/compute.ts'
import { catalogue, one, type KpiAnswer, type KpiDefinition } from './kpis.schema.ts'

/** The catalogue never changes while the server runs. */
const CATALOGUE = Buffer.from(JSON.stringify({ items: KPI_NAMES.map((name) => ({ name, ...KPIS[name], coverage: COVERAGE_TEXT })), next_cursor: null }))

export const kpiRoutes = routes()
  .openapi(catalogue, (c) => exactText<{ items: z.output<typeof KpiDefinition>[]; next_cursor: string | null }>(c, CATALOGUE))
  .openapi(one, async (c) => {
    const { name } = c.req.valid('param')
    if (!(KPI_NAMES as string[]).includes(name)) throw notFound(`Unknown KPI '${name}': expected one of ${KPI_NAMES.join(', ')}.`)
    const def = KPIS[name as KpiName]
    const q = c.req.valid('query')
    const asOf = q.as_of ? parseDatetime(q.as_of)! : c.var.services.clock.now()
    // Default period: the year to date of as_of.
    const to = q.to ?? asOf.toISOString().slice(0, 10)
    const from = q.from ?? `${to.slice(0, 4)}-01-01`
    if (from > to) throw badRequest('bad_parameter', `from (${from}) is after to (${to}).`, { field: 'from' })
    if (q.by !== undefined && !def.dims.includes(q.by))
      throw badRequest('bad_parameter', `by: ${name} breaks down by ${def.dims.join(', ')}, not '${q.by}'.`, { field: 'by' })
    const { db, cache } = c.var.services
    const key = `kpi|${name}|${from}|${to}|${q.by ?? ''}|${cache.asOfKey(asOf, q.as_of !== undefined)}`
    const text = await cache.text(key, async () => {
      const { as_of: _, ...answer } = await computeKpi(db, name as KpiName, { from, to, asOf, by: q.by })
      return answer
    })
    // Shared by every reader of the same day and data: as_of is this request's own.
    return exactText<z.output<typeof KpiAnswer>>(c, Buffer.concat([Buffer.from(`{"as_of":${JSON.stringify(asOf.toISOString())},`), text.subarray(1)]))
  })
