// GET /api/v1/kpis (the catalogue with definitions), GET /api/v1/kpis/{name}, the records behind
// a KPI (GET /api/v1/kpis/{name}/records) and forecast accuracy per week.
import type { z } from '@hono/zod-openapi'
import { badRequest, notFound } from '../lib/errors.ts'
import { parseDatetime } from '../lib/time.ts'
import { exact, exactText, routes } from '../http/openapi.ts'
import { decodeCursor, encodeCursor } from '../http/cursor.ts'
import { cursorShapes } from '../http/schemas.ts'
import { resolvePeriod } from '../http/period-resolve.ts'
import { COVERAGE_TEXT, KPIS, KPI_NAMES, type KpiName } from '../kpis/catalog.ts'
import { computeKpi } from '../kpis/compute.ts'
import { forecastWeekly, kpiRecords, RECORD_KPIS, type RecordKpi } from '../kpis/records.ts'
import { catalogue, one, records, weekly, type KpiAnswer, type KpiDefinition, type KpiRecords, type WeeklyAnswer } from './kpis.schema.ts'

/** The catalogue never changes while the server runs. */
const CATALOGUE = Buffer.from(JSON.stringify({ items: KPI_NAMES.map((name) => ({ name, ...KPIS[name], coverage: COVERAGE_TEXT })), next_cursor: null }))

function kpiOf(name: string): KpiName {
  if (!(KPI_NAMES as string[]).includes(name)) throw notFound(`Unknown KPI '${name}': expected one of ${KPI_NAMES.join(', ')}.`)
  return name as KpiName
}

function checkBy(name: KpiName, by: string | undefined): void {
  const def = KPIS[name]
  if (by !== undefined && !def.dims.includes(by))
    throw badRequest('bad_parameter', `by: ${name} breaks down by ${def.dims.join(', ')}, not '${by}'.`, { field: 'by' })
}

export const kpiRoutes = routes()
  .openapi(catalogue, (c) => exactText<{ items: z.output<typeof KpiDefinition>[]; next_cursor: string | null }>(c, CATALOGUE))
  .openapi(weekly, async (c) => {
    const q = c.req.valid('query')
    const { db, cache, clock } = c.var.services
    const { asOf, from, to } = resolvePeriod(q, clock.now())
    const key = `kpi-weekly|${from}|${to}|${q.practice ?? ''}\u0000${q.project ?? ''}|${cache.asOfKey(asOf, q.as_of !== undefined)}`
    const items = await cache.get(key, () => forecastWeekly(db, { from, to, asOf, practice: q.practice, project: q.project }))
    return exact<z.output<typeof WeeklyAnswer>>(c, { as_of: asOf.toISOString(), from, to, practice: q.practice ?? null, project: q.project ?? null, items })
  })
  .openapi(records, async (c) => {
    const name = kpiOf(c.req.valid('param').name)
    if (!(RECORD_KPIS as readonly string[]).includes(name))
      throw notFound(`${name} has no records list: expected one of ${RECORD_KPIS.join(', ')}.`)
    const q = c.req.valid('query')
    checkBy(name, q.by)
    if (q.group !== undefined && q.by === undefined) throw badRequest('bad_parameter', 'group: needs by, the dimension the group is a row of.', { field: 'group' })
    const { db, clock, config } = c.var.services
    const { asOf, from, to } = resolvePeriod(q, clock.now())
    const after = decodeCursor(q.cursor, cursorShapes.records)?.[0]
    const page = await kpiRecords(db, name as RecordKpi, { from, to, asOf, by: q.by, group: q.group, limit: q.limit, after, reporting: config.reporting_currency })
    return exact<z.output<typeof KpiRecords>>(c, { items: page.items as z.output<typeof KpiRecords>['items'], next_cursor: page.last === null ? null : encodeCursor([page.last]) })
  })
  .openapi(one, async (c) => {
    const name = kpiOf(c.req.valid('param').name)
    const q = c.req.valid('query')
    const asOf = q.as_of ? parseDatetime(q.as_of)! : c.var.services.clock.now()
    // Default period: the year to date of as_of.
    const to = q.to ?? asOf.toISOString().slice(0, 10)
    const from = q.from ?? `${to.slice(0, 4)}-01-01`
    if (from > to) throw badRequest('bad_parameter', `from (${from}) is after to (${to}).`, { field: 'from' })
    checkBy(name, q.by)
    const { db, cache, config } = c.var.services
    const reporting = config.reporting_currency
    const target = (config.targets as Partial<Record<KpiName, number | null>>)[name] ?? null
    const key = `kpi|${name}|${from}|${to}|${q.by ?? ''}|${reporting}|${target}|${cache.asOfKey(asOf, q.as_of !== undefined)}`
    const text = await cache.text(key, async () => {
      const { as_of: _, ...answer } = await computeKpi(db, name, { from, to, asOf, by: q.by, reporting })
      return { ...answer, target }
    })
    // Shared by every reader of the same day and data: as_of is this request's own.
    return exactText<z.output<typeof KpiAnswer>>(c, Buffer.concat([Buffer.from(`{"as_of":${JSON.stringify(asOf.toISOString())},`), text.subarray(1)]))
  })
