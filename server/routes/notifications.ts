// GET /api/v1/notifications: webhook deliveries and their outcome (delivered, pending, failed).
import type { z } from '@hono/zod-openapi'
import { exact, routes } from '../http/openapi.ts'
import { listing, type Notification } from './notifications.schema.ts'

export const notificationRoutes = routes().openapi(listing, async (c) => {
  const items = await c.var.services.notifier.list(c.req.valid('query').limit)
  return exact<{ items: z.output<typeof Notification>[]; next_cursor: string | null }>(c, { items, next_cursor: null })
})
