// GET /api/v1/kpis (the catalogue with definitions) and GET /api/v1/kpis/{name}.
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../context.ts'
import { badRequest, notFound } from '../lib/errors.ts'
import { jsonText } from '../lib/json.ts'
import { parseDatetime } from '../lib/time.ts'
import { parseQuery } from '../http/validate.ts'
import { isCalendarDate } from '../model/fields.ts'
import { COVERAGE_TEXT, KPIS, KPI_NAMES, type KpiName } from '../kpis/catalog.ts'
import { computeKpi } from '../kpis/compute.ts'

const date = z.string().refine(isCalendarDate, { message: 'expected a date YYYY-MM-DD' })
const query = z.strictObject({
  from: date.optional(),
  to: date.optional(),
  as_of: z.string().refine((s) => parseDatetime(s) !== null, { message: 'expected an ISO-8601 datetime with Z or an offset' }).optional(),
  by: z.string().optional(),
})

/** The catalogue never changes while the server runs. */
const CATALOGUE = Buffer.from(JSON.stringify({ items: KPI_NAMES.map((name) => ({ name, ...KPIS[name], coverage: COVERAGE_TEXT })), next_cursor: null }))

export const kpiRoutes = new Hono<AppEnv>()
  .get('/', (c) => jsonText(c, CATALOGUE))
  .get('/:name', async (c) => {
    const name = c.req.param('name')
    if (!(KPI_NAMES as string[]).includes(name)) throw notFound(`Unknown KPI '${name}': expected one of ${KPI_NAMES.join(', ')}.`)
    const def = KPIS[name as KpiName]
    const q = parseQuery(query, c.req.query())
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
    return jsonText(c, Buffer.concat([Buffer.from(`{"as_of":${JSON.stringify(asOf.toISOString())},`), text.subarray(1)]))
  })
