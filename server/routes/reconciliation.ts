// GET /api/v1/reconciliation (the system-pair match matrix, or one comparison by a dimension)
// and GET /api/v1/reconciliation/records (the record-level list with both sides' values).
import type { z } from '@hono/zod-openapi'
import { badRequest } from '../lib/errors.ts'
import { dec } from '../lib/json.ts'
import { exact, routes } from '../http/openapi.ts'
import { decodeCursor, encodeCursor } from '../http/cursor.ts'
import { cursorShapes } from '../http/schemas.ts'
import { resolvePeriod } from '../http/period-resolve.ts'
import { COMPARISONS, findComparison, type Comparison } from '../reconciliation/catalog.ts'
import { records, summarize, type RecordFilter, type RecordRow } from '../reconciliation/query.ts'
import { matchCounts } from '../reconciliation/close.ts'
import { matrix, recordList, type ReconciliationAnswer, type ReconciliationRecords, type recordFilters } from './reconciliation.schema.ts'

type Filters = z.output<z.ZodObject<typeof recordFilters>>

/** The comparison of pair/entity (default psa-erp/time_entry); a pair without that entity is a 400 naming pair. */
export function comparisonOf(q: { pair?: string; entity?: string }): Comparison {
  const pair = q.pair ?? 'psa-erp'
  const entity = q.entity ?? 'time_entry'
  const c = findComparison(pair, entity)
  if (!c)
    throw badRequest('bad_parameter', `No comparison ${pair}/${entity}: expected one of ${COMPARISONS.map((x) => `${x.pair}/${x.entity}`).join(', ')}.`, { field: 'pair' })
  return c
}

/** The record filter of a validated query; `now` is the services' clock. */
export function recordFilter(q: Partial<Filters>, now: Date, reporting?: string): RecordFilter {
  return { ...resolvePeriod(q, now), status: q.status, practice: q.practice, project: q.project, q: q.q, reporting }
}

export const reconciliationRoutes = routes()
  .openapi(matrix, async (c) => {
    const q = c.req.valid('query')
    const { db, cache, clock, config } = c.var.services
    const reporting = config.reporting_currency
    const f = { ...resolvePeriod(q, clock.now()), reporting }
    const asOfKey = cache.asOfKey(f.asOf, q.as_of !== undefined)
    const by = q.by ?? ''
    const chosen = q.pair || q.entity ? [comparisonOf(q)] : COMPARISONS
    const items = []
    for (const cmp of chosen) {
      const rows = await cache.get(`reconciliation|${cmp.pair}.${cmp.entity}|${by}|${f.from}|${f.to}|${reporting}|${asOfKey}`, () => summarize(db, cmp, f, by))
      const shown = publicComparison(cmp)
      // In total, a period without records counts all zero (summarize answers no row for it).
      items.push(by ? { ...shown, rows: rows.map((r) => ({ group: r.group, ...matchCounts(r) })) } : { ...shown, ...matchCounts(rows[0]) })
    }
    return exact<z.output<typeof ReconciliationAnswer>>(c, { as_of: f.asOf.toISOString(), from: f.from, to: f.to, by: q.by ?? null, currency: reporting, items, next_cursor: null })
  })
  .openapi(recordList, async (c) => {
    const q = c.req.valid('query')
    const cmp = comparisonOf(q)
    const after = decodeCursor(q.cursor, cursorShapes.records)?.[0] ?? ''
    const { db, clock, config } = c.var.services
    const rows = await records(db, cmp, recordFilter(q, clock.now(), config.reporting_currency), q.limit + 1, after)
    const page = rows.slice(0, q.limit)
    return exact<z.output<typeof ReconciliationRecords>>(c, {
      comparison: publicComparison(cmp),
      reporting_currency: config.reporting_currency,
      items: page.map(shapeRecord),
      next_cursor: rows.length > q.limit ? encodeCursor([page.at(-1)!.record_key]) : null,
    })
  })

/** A comparison as the API shows it: how it is read (its key-range slices) stays inside. */
const publicComparison = ({ slices: _, ...c }: Comparison) => c

/** Both sides' values side by side: a_* under `a`, b_* under `b`. */
export function shapeRecord(r: RecordRow) {
  const a: Record<string, unknown> = {}
  const b: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(r)) {
    if (k.startsWith('a_')) a[k.slice(2)] = v
    else if (k.startsWith('b_')) b[k.slice(2)] = v
  }
  return {
    key: r.record_key,
    status: r.status,
    rule: r.rule || null,
    period: r.period ?? null,
    practice: r.practice ?? null,
    project_key: r.project_key ?? null,
    currency: r.currency ?? null,
    amount_a: dec(r.amount_a),
    amount_b: dec(r.amount_b),
    amount_diff: dec(r.amount_diff),
    amount_a_reporting: dec(r.amount_a_reporting),
    amount_b_reporting: dec(r.amount_b_reporting),
    amount_diff_reporting: dec(r.amount_diff_reporting),
    a,
    b,
  }
}
