// /api/v1/transactions: the list, workflow health, one with its spans and open exceptions.
import { Hono } from 'hono'
import type { AppEnv } from '../context.ts'
import { decodeCursor, encodeCursor } from '../http/cursor.ts'
import { badRequest, notFound } from '../lib/errors.ts'
import { intParam, rejectUnknown } from '../http/list-query.ts'
import { parseDatetime } from '../lib/time.ts'
import { getTransaction, healthChangesAt, listTransactions, openExceptionsFor, workflowHealth } from '../traces/repository.ts'

function time(all: Record<string, string[]>, name: string): Date | undefined {
  const v = all[name]?.[0]
  if (!v) return undefined
  const d = parseDatetime(v) ?? (/^\d{4}-\d{2}-\d{2}$/.test(v) ? parseDatetime(`${v}T00:00:00Z`) : null)
  if (!d) throw badRequest('bad_parameter', `${name}: expected an ISO-8601 datetime or a date YYYY-MM-DD, got '${v}'.`, { field: name })
  return d
}

export const transactionRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const all = c.req.queries()
    rejectUnknown(all, ['workflow', 'status', 'system', 'entity_key', 'entity_type', 'from', 'to', 'limit', 'cursor'])
    const status = all.status?.[0]
    if (status !== undefined && status !== 'ok' && status !== 'failed')
      throw badRequest('bad_parameter', `status: expected ok or failed, got '${status}'.`, { field: 'status' })
    const cursor = decodeCursor(all.cursor?.[0], 2) as [string, string] | null
    const { items, next } = await listTransactions(
      c.var.services.db,
      {
        workflow: all.workflow?.[0],
        status: status as 'ok' | 'failed' | undefined,
        system: all.system?.[0],
        entity_key: all.entity_key?.[0],
        entity_type: all.entity_type?.[0],
        from: time(all, 'from'),
        to: time(all, 'to'),
      },
      intParam(all, 'limit', 50, 1, 10_000),
      cursor,
    )
    return c.json({ items, next_cursor: next ? encodeCursor(next) : null })
  })
  .get('/health', async (c) => {
    const all = c.req.queries()
    rejectUnknown(all, ['by', 'from', 'to'])
    const by = (all.by?.[0] ?? 'workflow') as 'workflow' | 'day' | 'workflow_day'
    if (!['workflow', 'day', 'workflow_day'].includes(by))
      throw badRequest('bad_parameter', `by: expected workflow, day or workflow_day, got '${by}'.`, { field: 'by' })
    const { db, cache, clock } = c.var.services
    const to = time(all, 'to') ?? clock.now()
    const from = time(all, 'from') ?? new Date(to.getTime() - 30 * 86400_000)
    // A window that moves with the clock holds until a transaction leaves or enters it.
    const key = `transactions.health|${by}|${all.from?.[0] ?? ''}|${all.to?.[0] ?? ''}`
    let until = Infinity
    const items = await cache.get(
      key,
      async () => {
        const rows = await workflowHealth(db, by, from, to)
        until = await healthChangesAt(db, from, to, { from: !all.from?.[0], to: !all.to?.[0] })
        return rows
      },
      () => until,
    )
    return c.json({ by, from: from.toISOString(), to: to.toISOString(), items, next_cursor: null })
  })
  .get('/:traceId', async (c) => {
    const traceId = c.req.param('traceId').toLowerCase()
    if (!/^[0-9a-f]{32}$/.test(traceId)) throw badRequest('bad_parameter', 'trace_id must be 32 hex characters.', { field: 'trace_id' })
    const t = await getTransaction(c.var.services.db, traceId)
    if (!t) throw notFound(`No transaction with trace id ${traceId}.`)
    return c.json({ ...t, exceptions: await openExceptionsFor(c.var.services.db, t.entity_type, t.entity_key) })
  })
