// /api/v1/transactions: the list, workflow health, one with its spans and open exceptions.
import type { z } from '@hono/zod-openapi'
import { decodeCursor, encodeCursor } from '../http/cursor.ts'
import { cursorShapes } from '../http/schemas.ts'
import { exact, routes } from '../http/openapi.ts'
import { dec, type Decimal } from '../lib/json.ts'
import { notFound } from '../lib/errors.ts'
import { getTransaction, healthChangesAt, listTransactions, openExceptionsFor, workflowHealth } from '../traces/repository.ts'
import { health, instantOf, list, one, type Transaction, type TransactionDetail, type WorkflowHealth } from './transactions.schema.ts'

// The schema has checked an instant parses; empty is absent.
const at = (v: string | undefined) => (v ? instantOf(v)! : undefined)

export const transactionRoutes = routes()
  .openapi(list, async (c) => {
    const q = c.req.valid('query')
    const cursor = decodeCursor(q.cursor, cursorShapes.transactions)
    const { items, next } = await listTransactions(
      c.var.services.db,
      { workflow: q.workflow, status: q.status, system: q.system, entity_key: q.entity_key, entity_type: q.entity_type, from: at(q.from), to: at(q.to) },
      q.limit,
      cursor,
    )
    return exact<{ items: z.output<typeof Transaction>[]; next_cursor: string | null }>(c, { items, next_cursor: next ? encodeCursor(next) : null })
  })
  .openapi(health, async (c) => {
    const q = c.req.valid('query')
    const { db, cache, clock } = c.var.services
    const to = at(q.to) ?? clock.now()
    const from = at(q.from) ?? new Date(to.getTime() - 30 * 86400_000)
    // A window that moves with the clock holds until a transaction leaves or enters it.
    const key = `transactions.health|${q.by}|${q.from ?? ''}|${q.to ?? ''}`
    let until = Infinity
    const items = await cache.get(
      key,
      async () => {
        const rows = await workflowHealth(db, q.by, from, to)
        until = await healthChangesAt(db, from, to, { from: !q.from, to: !q.to })
        return rows
      },
      () => until,
    )
    return exact<z.output<typeof WorkflowHealth>>(c, { by: q.by, from: from.toISOString(), to: to.toISOString(), items, next_cursor: null })
  })
  .openapi(one, async (c) => {
    const traceId = c.req.valid('param').traceId.toLowerCase()
    const { db } = c.var.services
    const t = await getTransaction(db, traceId)
    if (!t) throw notFound(`No transaction with trace id ${traceId}.`)
    // Money as an exact decimal, as every answer has it.
    const exceptions = (await openExceptionsFor(db, t.entity_type, t.entity_key)).map((e) => ({ ...e, amount_at_risk: dec(e.amount_at_risk) as Decimal }))
    return exact<z.output<typeof TransactionDetail>>(c, { ...t, exceptions })
  })
