// GET /api/v1/close?month=YYYY-MM: what blocks closing a month (reconciliation/close.ts).
import type { z } from '@hono/zod-openapi'
import { parseDatetime } from '../lib/time.ts'
import { exact, routes } from '../http/openapi.ts'
import { monthClose } from '../reconciliation/close.ts'
import { readiness, type CloseAnswer } from './close.schema.ts'

export const closeRoutes = routes().openapi(readiness, async (c) => {
  const q = c.req.valid('query')
  const { db, clock, config } = c.var.services
  const now = clock.now()
  const at = q.as_of ? parseDatetime(q.as_of)! : now
  const month = q.month ?? at.toISOString().slice(0, 7)
  return exact<z.output<typeof CloseAnswer>>(c, await monthClose(db, month, at, now, config.reporting_currency))
})
