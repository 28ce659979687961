// The notification routes' contract: deliveries to owners over their channels (e-mail, Slack,
// Teams, signed webhook) and their outcome, and "Send test".
import { createRoute } from '@hono/zod-openapi'
import { answers, dateTime, limit, listAnswer, z } from '../http/schemas.ts'
import { SEVERITIES } from '../rules/catalog.ts'
import { CHANNELS } from '../notify/channels/types.ts'
import { answersAnd, errorOf, jsonBody, readsJson } from './auth.schema.ts'

const event = z.enum(['opened', 'overdue', 'digest', 'subscription', 'test'])
const channel = z.enum(CHANNELS, { error: `expected one of ${CHANNELS.join(', ')}` })

/** What was sent (notify/channels ChannelContent, without an e-mail's HTML); the webhook's body. */
const NotificationMessage = z
  .strictObject({
    text: z.string(),
    subject: z.string().optional().openapi({ description: 'Absent on deliveries made before channels existed.' }),
    event,
    owner: z.string(),
    count: z.number().int(),
    amount_at_risk: z.number().openapi({ description: 'The sum over every exception of the message, as sent (not an exact decimal).' }),
    link: z.string().nullable().optional().openapi({ description: 'The owner\'s exceptions in the dashboard (public_url); null without public_url.' }),
    exceptions: z
      .array(
        z.strictObject({
          id: z.string(),
          rule: z.string(),
          entity_type: z.string().optional(),
          entity_key: z.string(),
          severity: z.enum(SEVERITIES),
          amount_at_risk: z.number(),
          currency: z.string(),
          due_at: dateTime.nullable(),
          url: z.string().nullable().optional().openapi({ description: 'The exception in the dashboard; null without public_url.' }),
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
    channel,
    host: z.string().openapi({ description: 'Where it went: a URL\'s host (its path may hold a secret), or the e-mail recipient.' }),
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
  summary: 'Notification deliveries, newest first',
  request: { query: z.strictObject({ limit: limit(100, 1000) }) },
  responses: answers(listAnswer(Notification).strict(), 'The latest deliveries (no further pages)'),
})

export const TestResult = z
  .strictObject({
    delivery_id: z.uuid(),
    owner: z.string(),
    channel,
    status: z.enum(['delivered', 'failed']),
    attempts: z.number().int(),
    error: z.string().nullable().openapi({ description: 'Why it failed (e.g. HTTP 404, an SMTP reply); null when delivered.' }),
  })
  .openapi('NotificationTestResult')

export const sendTest = createRoute({
  method: 'post',
  path: '/test',
  summary: 'Send a test message to one of an owner\'s channels',
  middleware: readsJson(),
  request: {
    body: jsonBody(z.strictObject({ owner: z.string().min(1), channel }), 'The owner and the channel to test (with the settings in force)'),
  },
  responses: answersAnd(TestResult, 'The delivery\'s outcome (one attempt, recorded like any delivery)', {
    415: errorOf('The body is not sent as application/json.'),
  }),
})
