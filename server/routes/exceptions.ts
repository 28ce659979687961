// /api/v1/exceptions: the list, summaries, one with history, triage single and bulk.
import { Hono, type Context } from 'hono'
import { queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { chToIso, parseDatetime, toChDateTime } from '../lib/time.ts'
import { z } from 'zod'
import type { AppEnv } from '../context.ts'
import { decodeCursor, encodeCursor } from '../http/cursor.ts'
import { AppError, badRequest, notFound } from '../lib/errors.ts'
import { jsonExact, jsonText } from '../lib/json.ts'
import { boolParam, intParam, listParam, rejectUnknown } from '../http/list-query.ts'
import { parseQuery, readJson } from '../http/validate.ts'
import { RULE_NAMES, SEVERITIES } from '../rules/catalog.ts'
import { ACTIONS, applyAction } from '../exceptions/actions.ts'
import { getException, listExceptions, matchingIds, moneyAtRiskAt, SORTS, summarize, SUMMARY_DIMENSIONS, weekly, type ExceptionFilter } from '../exceptions/repository.ts'
import { transactionsForEntity } from '../exceptions/related.ts'
import { actorName } from '../auth/principal.ts'
import { canTriage } from '../auth/policy.ts'
import { audit } from '../auth/audit.ts'

const STATUSES = ['open', 'acknowledged', 'resolved'] as const
const FILTERS = ['rule', 'status', 'owner', 'severity', 'system', 'practice', 'region', 'entity_type', 'entity_key', 'q', 'overdue'] as const

/** The list's filters (also the exports'). */
export function parseFilter(all: Record<string, string[]>): ExceptionFilter {
  const status = listParam(all, 'status', [...STATUSES, 'all'])
  return {
    status: status?.includes('all') ? [] : status,
    rule: listParam(all, 'rule', RULE_NAMES),
    owner: listParam(all, 'owner'),
    severity: listParam(all, 'severity', SEVERITIES),
    system: listParam(all, 'system'),
    practice: listParam(all, 'practice'),
    region: listParam(all, 'region'),
    entity_type: listParam(all, 'entity_type'),
    entity_key: all.entity_key?.[0],
    q: all.q?.[0],
    overdue: boolParam(all, 'overdue'),
  }
}

const SORT_VALUES = SORTS.flatMap((s) => [s, `-${s}`]).concat(['age', '-age', 'due', '-due', 'amount', '-amount'])

/** The list's sort (also the exports'): a SORTS name or alias, `-` for descending. */
export function parseSort(v: string | undefined) {
  const s = v ?? '-amount_at_risk'
  if (!SORT_VALUES.includes(s)) throw badRequest('bad_parameter', `sort: expected one of ${SORT_VALUES.join(', ')}.`, { field: 'sort' })
  const desc = s.startsWith('-')
  const name = s.replace(/^-/, '')
  // age: oldest first is ascending first_detected_at; -age newest first.
  const alias: Record<string, (typeof SORTS)[number]> = { age: 'first_detected_at', due: 'due_at', amount: 'amount_at_risk' }
  return { sort: alias[name] ?? (name as (typeof SORTS)[number]), desc }
}

const actionBody = z.strictObject({
  action: z.enum(ACTIONS, { error: `expected one of ${ACTIONS.join(', ')}` }),
  owner: z.string().max(320).optional(),
  note: z.string().max(10_000).optional(),
})

const bulkBody = actionBody.extend({
  ids: z.array(z.string().max(64)).max(100_000).optional(),
  filter: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
})


/**
 * When exception answers change with time alone, nothing written: the next due date to pass
 * (overdue flags and filters) or the next UTC midnight (age buckets), whichever comes first.
 */
async function timeChangesAt(c: Context<AppEnv>): Promise<number> {
  const { db, cache, clock } = c.var.services
  const now = clock.now().getTime()
  const midnight = (Math.floor(now / 86_400_000) + 1) * 86_400_000
  const due = await cache.get(
    'exceptions.next_due',
    async () => {
      const [r] = await queryRows<{ at: string | null }>(db, 'exceptions.next_due', sqlFile('exceptions/next_due.sql'), { now: toChDateTime(new Date(now)) }, { join_use_nulls: 1 })
      return r?.at ? Date.parse(chToIso(r.at)!) : Infinity
    },
    (at) => at,
  )
  return Math.min(due, midnight)
}

export const exceptionRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const all = c.req.queries()
    rejectUnknown(all, [...FILTERS, 'sort', 'limit', 'cursor'])
    const { sort, desc } = parseSort(all.sort?.[0])
    const cursor = decodeCursor(all.cursor?.[0], 2) as [number, string] | null
    const { db, cache, clock } = c.var.services
    const filter = parseFilter(all)
    const limit = intParam(all, 'limit', 50, 1, 10_000)
    const until = await timeChangesAt(c)
    const text = await cache.text(`exceptions.list|${JSON.stringify([filter, sort, desc, limit, cursor])}`, async () => {
      const { items, next } = await listExceptions(db, filter, { sort, desc, limit, cursor, now: clock.now() })
      return { items, next_cursor: next ? encodeCursor(next) : null }
    }, () => until)
    return jsonText(c, text)
  })
  .get('/summary', async (c) => {
    const all = c.req.queries()
    rejectUnknown(all, ['by', 'status', 'rule', 'owner', 'severity'])
    const by = (all.by?.[0] ?? 'rule') as (typeof SUMMARY_DIMENSIONS)[number]
    if (!SUMMARY_DIMENSIONS.includes(by)) throw badRequest('bad_parameter', `by: expected one of ${SUMMARY_DIMENSIONS.join(', ')}.`, { field: 'by' })
    const { db, cache, clock } = c.var.services
    const filter = parseFilter(all)
    const until = await timeChangesAt(c)
    const text = await cache.text(`exceptions.summary|${by}|${JSON.stringify(filter)}`, async () => ({ by, items: await summarize(db, by, filter, clock.now()), next_cursor: null }), () => until)
    return jsonText(c, text)
  })
  .get('/timeline', async (c) => {
    const all = c.req.queries()
    rejectUnknown(all, ['weeks', 'at'])
    const weeks = intParam(all, 'weeks', 8, 1, 104)
    // Instants as repeated parameters or one comma-separated list (ISO times have no commas).
    const instants = (all.at ?? []).flatMap((v) => v.split(',')).map((t, i) => {
      const d = parseDatetime(t)
      if (!d) throw badRequest('bad_parameter', `at[${i}]: expected an ISO-8601 datetime with Z or an offset, got '${t}'.`, { field: 'at' })
      return d
    })
    if (instants.length > 48) throw badRequest('bad_parameter', 'at: at most 48 instants.', { field: 'at' })
    const { db, cache, clock } = c.var.services
    const now = clock.now()
    // The weeks move at midnight; nothing else here changes without a write.
    const midnight = (Math.floor(now.getTime() / 86_400_000) + 1) * 86_400_000
    const key = `exceptions.timeline|${weeks}|${now.toISOString().slice(0, 10)}|${instants.map((d) => d.getTime()).join(',')}`
    const text = await cache.text(key, async () => ({ weeks: await weekly(db, weeks, now), money_at_risk: await moneyAtRiskAt(db, instants) }), () => midnight)
    return jsonText(c, text)
  })
  .post('/actions', async (c) => {
    const b = parseQuery(bulkBody, await readJson(c), 'body field')
    if (!b.ids && !b.filter) throw badRequest('bad_parameter', 'Send ids (a list of exception ids) or filter (the list filters) to act on.')
    let ids = b.ids ?? []
    if (b.filter) {
      const all = Object.fromEntries(Object.entries(b.filter).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]))
      rejectUnknown(all, FILTERS)
      ids = [...ids, ...(await matchingIds(c.var.services.db, parseFilter(all)))]
    }
    const r = await applyAction(c.var.services.db, ids, b, actorName(c.var.principal), (rule) => canTriage(c.var.principal, rule))
    await audit(c, `exception_${b.action}`, `${r.applied.length} exceptions`, { ids: r.applied.slice(0, 1000), skipped: r.skipped.length, bulk: true })
    return c.json({ action: b.action, applied: r.applied.length, skipped: r.skipped.length, results: r })
  })
  .get('/:id', async (c) => {
    const e = await getException(c.var.services.db, c.req.param('id'))
    if (!e) throw notFound(`No exception with id ${c.req.param('id')}.`)
    const transactions = await transactionsForEntity(c.var.services.db, e.entity_type as string, e.entity_key as string)
    return jsonExact(c, { ...e, transactions })
  })
  .post('/:id/actions', async (c) => {
    const id = c.req.param('id')
    const b = parseQuery(actionBody, await readJson(c), 'body field')
    const r = await applyAction(c.var.services.db, [id], b, actorName(c.var.principal), (rule) => canTriage(c.var.principal, rule))
    const reason = r.skipped[0]?.reason
    if (reason === 'no such exception') throw notFound(`No exception with id ${id}.`)
    if (reason?.startsWith('your role')) throw new AppError(403, 'forbidden', `Cannot ${b.action}: ${reason}.`)
    if (reason) throw new AppError(409, 'conflict', `Cannot ${b.action}: ${reason}.`)
    await audit(c, `exception_${b.action}`, id, { note: b.note, owner: b.owner })
    const e = await getException(c.var.services.db, id)
    return jsonExact(c, e)
  })
