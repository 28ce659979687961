// The notification routes' contract: webhook deliveries to owner teams and their outcome.
import { createRoute } from '@hono/zod-openapi'
import { answers, dateTime, limit, listAnswer, z } from '../http/schemas.ts'
import { SEVERITIES } from '../rules/catalog.ts'

const event = z.enum(['opened', 'overdue'])

/** What was sent (notify/webhooks.ts message()): Slack-compatible text and the same as fields. */
const NotificationMessage = z
  .strictObject({
    text: z.string(),
    event,
    owner: z.string(),
    count: z.number().int(),
    amount_at_risk: z.number().openapi({ description: 'The sum over every exception of the message, as sent (not an exact decimal).' }),
    exceptions: z
      .array(
        z.strictObject({
          id: z.string(),
          rule: z.string(),
          entity_key: z.string(),
          severity: z.enum(SEVERITIES),
          amount_at_risk: z.number(),
          currency: z.string(),
          due_at: dateTime.nullable(),
        }),
      )
      .openapi({ description: 'The first 50.' }),
  })
  .openapi('NotificationMessage')

export const Notification = z
  .strictObject({
    id: z.uuid(),
    owner: z.string(),
    event,
    host: z.string().openapi({ description: 'The webhook\'s host (its URL may hold a secret).' }),
    status: z.enum(['delivered', 'pending', 'failed']).openapi({ description: 'failed: every attempt failed.' }),
    attempts: z.number().int(),
    last_error: z.string().nullable(),
    created_at: dateTime,
    last_attempt_at: dateTime.nullable(),
    message: NotificationMessage,
  })
  .openapi('Notification')

export const listing = createRoute({
  method: 'get',
  path: '/',
  summary: 'Webhook deliveries, newest first',
  request: { query: z.strictObject({ limit: limit(100, 1000) }) },
  responses: answers(listAnswer(Notification).strict(), 'The latest deliveries (no further pages)'),
})
