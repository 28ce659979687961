// /api/v1/subscriptions: subscribe to a saved view of the exception list, list, unsubscribe.
// A person sees and deletes their own; an admin everyone's. Another person's subscription is
// answered as not found, so ids reveal nothing.
import type { Context } from 'hono'
import type { z } from '@hono/zod-openapi'
import type { AppEnv } from '../context.ts'
import type { Config } from '../config/schema.ts'
import { routes } from '../http/openapi.ts'
import { badRequest, notFound } from '../lib/errors.ts'
import { audited } from '../auth/audit.ts'
import { createSubscription, deleteSubscription, listSubscriptions, parseView, type Subscription as Stored } from '../notify/digest/subscriptions.ts'
import { nextSlot } from '../notify/digest/schedule.ts'
import { createSubscriptionRoute, deleteSubscriptionRoute, listSubscriptionsRoute, type NewSubscription, type Subscription } from './subscriptions.schema.ts'

type Answer = z.output<typeof Subscription>

function caller(c: Context<AppEnv>) {
  const p = c.var.principal
  // The policy lets only people through (auth/policy.ts).
  if (!p || p.kind !== 'user') throw notFound('No such subscriptions.')
  return p
}

const show = (s: Stored, now: Date): Answer => ({ ...s, next_at: nextSlot(s, now)?.at.toISOString() ?? null })

/** Slack webhooks go to Slack, or to one an admin configured on an owner: never anywhere a caller names. */
function slackTarget(config: Config, url: string | undefined): string {
  if (!url) throw badRequest('bad_parameter', 'slack_webhook: a Slack subscription needs the incoming webhook URL.', { field: 'slack_webhook' })
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw badRequest('bad_parameter', 'slack_webhook: expected a URL such as https://hooks.slack.com/services/…', { field: 'slack_webhook' })
  }
  const configured = config.owners.some((o) => o.slack_webhook === url)
  if (!configured && !(u.protocol === 'https:' && u.hostname === 'hooks.slack.com'))
    throw badRequest('bad_parameter', 'slack_webhook: expected a Slack incoming webhook (https://hooks.slack.com/…) or one configured on an owner.', { field: 'slack_webhook' })
  return url
}

function targetOf(c: Context<AppEnv>, b: z.output<typeof NewSubscription>): string {
  if (b.channel === 'slack') return slackTarget(c.var.services.config, b.slack_webhook)
  if (b.slack_webhook !== undefined) throw badRequest('bad_parameter', 'slack_webhook: only a Slack subscription takes one.', { field: 'slack_webhook' })
  const email = caller(c).email
  if (!email || !email.includes('@')) throw badRequest('bad_parameter', 'channel: your account has no e-mail address; subscribe by Slack, or sign in as a person with one.', { field: 'channel' })
  return email
}

export const subscriptionRoutes = routes()
  .openapi(listSubscriptionsRoute, async (c) => {
    const p = caller(c)
    const { db, clock } = c.var.services
    const items = await listSubscriptions(db, p.role === 'admin' ? {} : { user_id: p.id })
    return c.json({ items: items.map((s) => show(s, clock.now())), next_cursor: null }, 200)
  })
  .openapi(createSubscriptionRoute, async (c) => {
    const p = caller(c)
    const b = c.req.valid('json')
    const query = b.query.replace(/^\?/, '')
    parseView(query)
    const target = targetOf(c, b)
    const { db, clock } = c.var.services
    const s = await audited(c, 'subscription_create', b.name, { channel: b.channel, frequency: b.frequency, query }, () =>
      createSubscription(db, { user_id: p.id, name: b.name, query, channel: b.channel, target, frequency: b.frequency, local_time: b.local_time, time_zone: b.time_zone, weekday: b.weekday }, clock.now()),
    )
    return c.json(show(s, clock.now()), 201)
  })
  .openapi(deleteSubscriptionRoute, async (c) => {
    const p = caller(c)
    const { id } = c.req.valid('param')
    const { db, clock } = c.var.services
    const [s] = await listSubscriptions(db, { id })
    if (!s || (p.role !== 'admin' && s.user_id !== p.id)) throw notFound(`No subscription with id ${id}.`)
    await audited(c, 'subscription_delete', s.id, { user_id: s.user_id }, () => deleteSubscription(db, s))
    return c.json(show(s, clock.now()), 200)
  })
