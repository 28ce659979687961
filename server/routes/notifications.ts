// GET /api/v1/notifications: webhook deliveries and their outcome (delivered, pending, failed).
import { Hono } from 'hono'
import type { AppEnv } from '../context.ts'
import { intParam, rejectUnknown } from '../http/list-query.ts'

export const notificationRoutes = new Hono<AppEnv>().get('/', async (c) => {
  const all = c.req.queries()
  rejectUnknown(all, ['limit'])
  const items = await c.var.services.notifier.list(intParam(all, 'limit', 100, 1, 1000))
  return c.json({ items, next_cursor: null })
})
