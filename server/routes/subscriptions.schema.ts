// The subscription routes' contract: a person subscribes to a saved view of the exception list
// (its query string) by e-mail or Slack, daily or weekly; admins see and manage everyone's.
import { createRoute } from '@hono/zod-openapi'
import { answers, dateTime, listAnswer, z } from '../http/schemas.ts'
import { errorOf, jsonBody, readsJson } from './auth.schema.ts'
import { SUBSCRIPTION_CHANNELS } from '../notify/digest/subscriptions.ts'
import { scheduleFields, WEEKDAYS } from '../notify/digest/schedule.ts'

const channel = z.enum(SUBSCRIPTION_CHANNELS, { error: `expected one of ${SUBSCRIPTION_CHANNELS.join(', ')}` })
const frequency = z.enum(['daily', 'weekly'], { error: 'expected one of daily, weekly' })

export const Subscription = z
  .strictObject({
    id: z.string(),
    user_id: z.string().openapi({ description: 'Who subscribed.' }),
    name: z.string().openapi({ description: 'The saved view\'s name.' }),
    query: z.string().openapi({ description: 'The view: the query string GET /api/v1/exceptions takes (filters and sort).', example: 'rule=invoice_amount_mismatch&region=EMEA' }),
    channel,
    target: z.string().openapi({ description: 'email: the subscriber\'s address; slack: the incoming webhook URL.' }),
    frequency,
    local_time: z.string().openapi({ example: '08:00' }),
    time_zone: z.string().openapi({ example: 'Europe/Paris' }),
    weekday: z.enum(WEEKDAYS).openapi({ description: 'Weekly: the day it goes out.' }),
    created_at: dateTime,
    next_at: dateTime.nullable().openapi({ description: 'When the next digest goes out (UTC).' }),
  })
  .openapi('Subscription')

export const NewSubscription = z
  .strictObject({
    name: z.string().trim().min(1, { error: 'give the view a name' }).max(200),
    query: z.string().max(4000).openapi({ description: 'The saved view\'s query string (a leading ? is allowed); validated as GET /api/v1/exceptions validates it.' }),
    channel,
    frequency,
    slack_webhook: z.string().max(2000).optional().openapi({ description: 'slack: a Slack incoming webhook (https://hooks.slack.com/…, or one configured on an owner).' }),
    local_time: scheduleFields.localTime.default('08:00'),
    time_zone: scheduleFields.timeZone.default('UTC'),
    weekday: scheduleFields.weekday.default('monday'),
  })
  .openapi('NewSubscription')

/** A 201 with `schema`, and answers()' errors. */
function created<T extends z.ZodType>(schema: T, description: string) {
  const a = answers(schema, description)
  return { 201: a[200], 400: a[400], 401: a[401], 403: a[403], 404: a[404], 415: errorOf('The body is not sent as application/json.') }
}

const id = z.object({ id: z.string().max(64).openapi({ param: { name: 'id', in: 'path' }, example: 'sub_0123456789abcdef0123' }) })

export const listSubscriptionsRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'Subscriptions: your own (admins: everyone\'s)',
  responses: answers(listAnswer(Subscription), 'The subscriptions, oldest first'),
})

export const createSubscriptionRoute = createRoute({
  method: 'post',
  path: '/',
  summary: 'Subscribe to a saved view of the exception list',
  middleware: readsJson(),
  request: { body: jsonBody(NewSubscription, 'The view, the channel and how often') },
  responses: created(Subscription, 'The new subscription'),
})

export const deleteSubscriptionRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  summary: 'Unsubscribe (your own; admins: anyone\'s)',
  request: { params: id },
  responses: answers(Subscription, 'The subscription, now deleted'),
})
