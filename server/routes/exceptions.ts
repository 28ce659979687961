// /api/v1/exceptions: the list, summaries, one with history, triage single and bulk.
import type { Context } from 'hono'
import { queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { chToIso, parseDatetime, toChDateTime } from '../lib/time.ts'
import type { AppEnv } from '../context.ts'
import { decodeCursor, encodeCursor } from '../http/cursor.ts'
import { cursorShapes } from '../http/schemas.ts'
import { exact, exactText, routes } from '../http/openapi.ts'
import { AppError, badRequest, notFound } from '../lib/errors.ts'
import { applyAction, type ActionResult } from '../exceptions/actions.ts'
import { getException, listExceptions, matchingIds, moneyAtRiskAt, summarize, weekly } from '../exceptions/repository.ts'
import { transactionsForEntity } from '../exceptions/related.ts'
import { actorName } from '../auth/principal.ts'
import { canTriage } from '../auth/policy.ts'
import { audit } from '../auth/audit.ts'
import {
  action, bulkAction, detail, listing, summary, timeline, toFilter, toSort,
  type BulkTriageAnswer, type ExceptionDetail, type ExceptionItem, type ExceptionSummary, type ExceptionTimeline, type ExceptionWithHistory,
} from './exceptions.schema.ts'
import type { z } from '../http/schemas.ts'

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

/** A triage request's idempotency key: the Idempotency-Key header, else the body's request_id. */
function requestKey(c: Context<AppEnv>, bodyKey: string | undefined): string | undefined {
  return c.req.header('idempotency-key')?.trim() || bodyKey?.trim() || undefined
}

/**
 * Runs a triage action with its audit record written just before its events (a resend writes
 * neither), so a 503 from the audit log means nothing changed; a write that fails after it is
 * recorded as failed.
 */
async function auditedAction(
  c: Context<AppEnv>,
  action: string,
  record: (r: ActionResult) => [string, Record<string, unknown>],
  act: (beforeWrite: (r: ActionResult) => Promise<void>) => Promise<ActionResult>,
): Promise<ActionResult> {
  let written: [string, Record<string, unknown>] | null = null
  try {
    return await act(async (r) => {
      const [target, details] = record(r)
      await audit(c, `exception_${action}`, target, details)
      written = [target, details]
    })
  } catch (e) {
    if (written) {
      const [target, details] = written as [string, Record<string, unknown>]
      await audit(c, `exception_${action}`, target, { ...details, error: e instanceof AppError ? e.code : 'internal' }, 'failed').catch(() => {})
    }
    throw e
  }
}

export const exceptionRoutes = routes()
  .openapi(listing, async (c) => {
    const { sort: sortBy, limit, cursor: after, ...filters } = c.req.valid('query')
    const { sort, desc } = toSort(sortBy)
    const cursor = decodeCursor(after, cursorShapes.exceptions)
    const { db, cache, clock } = c.var.services
    const filter = toFilter(filters)
    const until = await timeChangesAt(c)
    const text = await cache.text(`exceptions.list|${JSON.stringify([filter, sort, desc, limit, cursor])}`, async () => {
      const { items, next } = await listExceptions(db, filter, { sort, desc, limit, cursor, now: clock.now() })
      return { items, next_cursor: next ? encodeCursor(next) : null }
    }, () => until)
    return exactText<{ items: z.output<typeof ExceptionItem>[]; next_cursor: string | null }>(c, text)
  })
  .openapi(summary, async (c) => {
    const { by, ...filters } = c.req.valid('query')
    const { db, cache, clock } = c.var.services
    const filter = toFilter(filters)
    const until = await timeChangesAt(c)
    // Money is summed in the reporting currency, which settings may change: part of the key.
    const reporting = c.var.services.config.reporting_currency
    const text = await cache.text(`exceptions.summary|${by}|${reporting}|${JSON.stringify(filter)}`, async () => ({ by, items: await summarize(db, by, filter, clock.now(), reporting), next_cursor: null }), () => until)
    return exactText<z.output<typeof ExceptionSummary>>(c, text)
  })
  .openapi(timeline, async (c) => {
    const { weeks, at = [] } = c.req.valid('query')
    const instants = at.map((t) => parseDatetime(t)!)
    const { db, cache, clock } = c.var.services
    const now = clock.now()
    // The weeks move at midnight; nothing else here changes without a write.
    const midnight = (Math.floor(now.getTime() / 86_400_000) + 1) * 86_400_000
    const reporting = c.var.services.config.reporting_currency
    const key = `exceptions.timeline|${weeks}|${reporting}|${now.toISOString().slice(0, 10)}|${instants.map((d) => d.getTime()).join(',')}`
    const text = await cache.text(key, async () => ({ weeks: await weekly(db, weeks, now), money_at_risk: await moneyAtRiskAt(db, instants, reporting) }), () => midnight)
    return exactText<z.output<typeof ExceptionTimeline>>(c, text)
  })
  .openapi(bulkAction, async (c) => {
    const b = c.req.valid('json')
    if (!b.ids && !b.filter) throw badRequest('bad_parameter', 'Send ids (a list of exception ids) or filter (the list filters) to act on.')
    const { db, clock } = c.var.services
    const now = clock.now()
    const ids = [...(b.ids ?? []), ...(b.filter ? await matchingIds(db, toFilter(b.filter), undefined, now) : [])]
    const r = await auditedAction(c, b.action, (r) => [`${r.applied.length} exceptions`, { ids: r.applied.slice(0, 1000), skipped: r.skipped.length, bulk: true, until: b.until }], (beforeWrite) =>
      applyAction(db, ids, b, actorName(c.var.principal), (rule) => canTriage(c.var.principal, rule), { now, requestId: requestKey(c, b.request_id), beforeWrite }),
    )
    return exact<z.output<typeof BulkTriageAnswer>>(c, { action: b.action, applied: r.applied.length, skipped: r.skipped.length, results: r })
  })
  .openapi(detail, async (c) => {
    const { id } = c.req.valid('param')
    const { db, clock } = c.var.services
    const e = await getException(db, id, clock.now())
    if (!e) throw notFound(`No exception with id ${id}.`)
    const transactions = await transactionsForEntity(db, e.entity_type, e.entity_key)
    return exact<z.output<typeof ExceptionDetail>>(c, { ...e, transactions })
  })
  .openapi(action, async (c) => {
    const { id } = c.req.valid('param')
    const b = c.req.valid('json')
    const { db, clock } = c.var.services
    const now = clock.now()
    const r = await auditedAction(c, b.action, () => [id, { note: b.note, owner: b.owner, until: b.until }], (beforeWrite) =>
      applyAction(db, [id], b, actorName(c.var.principal), (rule) => canTriage(c.var.principal, rule), { now, requestId: requestKey(c, b.request_id), beforeWrite }),
    )
    const reason = r.skipped[0]?.reason
    if (reason === 'no such exception') throw notFound(`No exception with id ${id}.`)
    if (reason?.startsWith('your role')) throw new AppError(403, 'forbidden', `Cannot ${b.action}: ${reason}.`)
    if (reason) throw new AppError(409, 'conflict', `Cannot ${b.action}: ${reason}.`)
    const e = await getException(db, id, now)
    if (!e) throw notFound(`No exception with id ${id}.`)
    return exact<z.output<typeof ExceptionWithHistory>>(c, e)
  })
