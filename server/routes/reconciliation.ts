// GET /api/v1/reconciliation (the system-pair match matrix, or one comparison by a dimension)
// and GET /api/v1/reconciliation/records (the record-level list with both sides' values).
import { Hono } from 'hono'
import type { AppEnv } from '../context.ts'
import { badRequest } from '../lib/errors.ts'
import { jsonExact, dec } from '../lib/json.ts'
import { intParam, listParam, rejectUnknown } from '../http/list-query.ts'
import { decodeCursor, encodeCursor } from '../http/cursor.ts'
import { COMPARISONS, findComparison, type Comparison } from '../reconciliation/catalog.ts'
import { records, summarize, type RecordFilter } from '../reconciliation/query.ts'
import { periodParams } from '../http/period.ts'

export const STATUSES = ['matched', 'differing', 'only_a', 'only_b'] as const

export function comparisonParam(all: Record<string, string[]>): Comparison {
  const pair = all.pair?.[0] ?? 'psa-erp'
  const entity = all.entity?.[0] ?? 'time_entry'
  const c = findComparison(pair, entity)
  if (!c)
    throw badRequest('bad_parameter', `No comparison ${pair}/${entity}: expected one of ${COMPARISONS.map((x) => `${x.pair}/${x.entity}`).join(', ')}.`, { field: 'pair' })
  return c
}

export function recordFilter(all: Record<string, string[]>): RecordFilter {
  return { ...periodParams(all), status: listParam(all, 'status', STATUSES), practice: all.practice?.[0], project: all.project?.[0], q: all.q?.[0] }
}

const money = (r: { amount_a: string; amount_b: string; amount_diff: string }) => ({
  amount_a: dec(r.amount_a),
  amount_b: dec(r.amount_b),
  amount_diff: dec(r.amount_diff),
})

export const reconciliationRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const all = c.req.queries()
    rejectUnknown(all, ['pair', 'entity', 'by', 'from', 'to', 'as_of'])
    const f = recordFilter(all)
    const { db, cache } = c.var.services
    const asOfKey = cache.asOfKey(f.asOf, all.as_of !== undefined)
    const by = (all.by?.[0] ?? '') as '' | 'period' | 'practice' | 'project'
    if (!['', 'period', 'practice', 'project'].includes(by)) throw badRequest('bad_parameter', 'by: expected period, practice or project.', { field: 'by' })
    const chosen = all.pair || all.entity ? [comparisonParam(all)] : COMPARISONS
    const items = []
    for (const cmp of chosen) {
      const rows = await cache.get(`reconciliation|${cmp.pair}.${cmp.entity}|${by}|${f.from}|${f.to}|${asOfKey}`, () => summarize(db, cmp, f, by))
      const total = by ? null : rows[0]
      items.push({
        ...publicComparison(cmp),
        ...(total ? { ...total, ...money(total) } : {}),
        rows: by ? rows.map((r) => ({ ...r, ...money(r) })) : undefined,
      })
    }
    return jsonExact(c, { as_of: f.asOf.toISOString(), from: f.from, to: f.to, by: by || null, items, next_cursor: null })
  })
  .get('/records', async (c) => {
    const all = c.req.queries()
    rejectUnknown(all, ['pair', 'entity', 'status', 'practice', 'project', 'q', 'from', 'to', 'as_of', 'limit', 'cursor'])
    const cmp = comparisonParam(all)
    const limit = intParam(all, 'limit', 100, 1, 10_000)
    const after = (decodeCursor(all.cursor?.[0], 1)?.[0] as string | undefined) ?? ''
    const rows = await records(c.var.services.db, cmp, recordFilter(all), limit + 1, after)
    const page = rows.slice(0, limit)
    return jsonExact(c, {
      comparison: publicComparison(cmp),
      items: page.map(shapeRecord),
      next_cursor: rows.length > limit ? encodeCursor([String(page.at(-1)!.record_key)]) : null,
    })
  })

/** A comparison as the API shows it: how it is read (its key-range slices) stays inside. */
const publicComparison = ({ slices: _, ...c }: Comparison) => c

/** Both sides' values side by side: a_* under `a`, b_* under `b`. */
export function shapeRecord(r: Record<string, unknown>) {
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
    currency: r.currency,
    amount_a: dec(r.amount_a),
    amount_b: dec(r.amount_b),
    amount_diff: dec(r.amount_diff),
    a,
    b,
  }
}
