// GET /api/v1/notifications: deliveries and their outcome (delivered, pending, failed);
// POST /api/v1/notifications/test (admin): a test message to one channel of an owner.
import type { z } from '@hono/zod-openapi'
import { exact, routes } from '../http/openapi.ts'
import { refreshSettings } from '../config/settings.ts'
import type { Config } from '../config/schema.ts'
import { actorName } from '../auth/principal.ts'
import { checkChannel, type Channel, type ChannelContent } from '../notify/channels/index.ts'
import { ownerUrl } from '../notify/channels/format.ts'
import { listing, sendTest, type Notification } from './notifications.schema.ts'

/** A message that says what it is, with one sample exception so every field shows. */
function testContent(config: Config, owner: string, channel: Channel, actor: string, now: Date): ChannelContent {
  const link = ownerUrl(config, owner)
  const subject = `Crosswalk test message for ${owner}`
  return {
    event: 'test',
    owner,
    subject,
    text: `${subject} (${channel}), sent by ${actor}. The exception below is a sample; nothing needs doing.`,
    count: 1,
    amount_at_risk: 1234.5,
    link,
    exceptions: [
      {
        id: 'test',
        rule: 'invoice_amount_mismatch',
        entity_type: 'invoice',
        entity_key: 'TEST-0001',
        severity: 'high',
        amount_at_risk: 1234.5,
        currency: config.reporting_currency,
        due_at: new Date(now.getTime() + 24 * 3600_000).toISOString(),
        url: link,
      },
    ],
  }
}

export const notificationRoutes = routes()
  .openapi(listing, async (c) => {
    const items = await c.var.services.notifier.list(c.req.valid('query').limit)
    return exact<{ items: z.output<typeof Notification>[]; next_cursor: string | null }>(c, { items, next_cursor: null })
  })
  .openapi(sendTest, async (c) => {
    const { owner, channel } = c.req.valid('json')
    const { db, config, notifier, clock } = c.var.services
    // The channels as saved in the settings page, by this server or another sharing storage.
    await refreshSettings(db, config)
    checkChannel(config, owner, channel) // a 400 naming the missing field, before anything is stored
    const content = testContent(config, owner, channel, actorName(c.var.principal), clock.now())
    // One attempt: the admin waits for the answer, so no backoff.
    const result = await notifier.send(owner, channel, content, { maxAttempts: 1 })
    return c.json(result, 200)
  })
