// Notification channels (issue #20). ONE way to send anything to an owner, for every sender
// (exception alerts in notify/webhooks.ts, digests and subscriptions, "Send test"):
//
//   import { deliver, type ChannelContent } from '../notify/channels/index.ts'
//   const result = await deliver(db, config, owner, channel, content, { clock, maxAttempts })
//
// - `owner`: an owner id of config.owners; `channel`: 'email' | 'slack' | 'teams' | 'webhook'.
//   ownerChannels(config, owner) lists the channels that owner has configured.
// - `content` (ChannelContent below) is channel-neutral: a subject, a plain-text body, and the
//   exceptions it is about. Each channel renders it (e-mail: HTML + text parts; Slack: Block Kit;
//   Teams: an Adaptive Card; webhook: signed JSON); `html` replaces the e-mail's rendered body.
// - Every delivery is stored (notifications table, `channel` column) before it is sent; each
//   attempt is recorded; failures retry with exponential backoff on the injected clock
//   (config.notify.max_attempts / backoff_ms / timeout_ms unless overridden). The promise
//   resolves with the final outcome (never rejects for a delivery failure) and the delivery
//   shows in GET /api/v1/notifications. A bad or missing channel config throws ChannelConfigError
//   (an AppError 400 naming the config field) before anything is stored.
import crypto from 'node:crypto'
import type { Db } from '../../db/client.ts'
import type { Config } from '../../config/schema.ts'
import { insertRows } from '../../db/query.ts'
import { arrivalMicros, microsToCh } from '../../lib/time.ts'
import { systemClock, type Clock } from '../../lib/clock.ts'
import type { Severity } from '../../rules/catalog.ts'
import { sendWithRetries, type RetryOptions } from './retry.ts'
import { CHANNELS, channelConfigError, ownerAt, resolveRef, type Channel, type ChannelDriver, type Target } from './types.ts'
import { emailChannel } from './email.ts'
import { slackChannel } from './slack.ts'
import { teamsChannel } from './teams.ts'
import { webhookChannel } from './webhook.ts'

export { CHANNELS, channelConfigError, type Channel } from './types.ts'

/** One exception as a message lists it (amounts as sent: rounded for display only). */
export interface MessageException {
  id: string
  rule: string
  entity_type?: string
  entity_key: string
  severity: Severity
  amount_at_risk: number
  currency: string
  due_at: string | null
  /** <public_url>/exceptions?id=<id>, or null when no public_url is configured. */
  url?: string | null
}

/** What a sender hands to deliver(); channel-neutral. Stored as sent (the notification's `message`). */
export interface ChannelContent {
  /** opened / overdue (alerts), digest, subscription, test. */
  event: 'opened' | 'overdue' | 'digest' | 'subscription' | 'test'
  owner: string
  /** The e-mail subject, the Slack header, the Teams card title (one line). */
  subject: string
  /** Plain text: the e-mail's text part, Slack's `text` fallback, the webhook's `text`. */
  text: string
  /** How many exceptions the message is about (may exceed exceptions.length: at most 50 are listed). */
  count: number
  /** Their sum, as sent (not an exact decimal). */
  amount_at_risk: number
  exceptions: MessageException[]
  /** The dashboard page for the whole message (e.g. the owner's exception list); null without public_url. */
  link?: string | null
  /** E-mail only: an HTML body to use instead of the rendered one (no remote images, no scripts). */
  html?: string
  /** E-mail only: images the HTML shows inline (`<img src="cid:…">`), e.g. a digest's charts (notify/digest/charts.ts). */
  attachments?: Array<{ cid: string; filename: string; content_type: string; content_base64: string }>
}

export interface DeliveryResult {
  delivery_id: string
  owner: string
  channel: Channel
  status: 'delivered' | 'failed'
  attempts: number
  /** The last attempt's error; null when delivered. */
  error: string | null
}

export interface DeliverOptions extends Partial<RetryOptions> {
  clock?: Clock
}

const DRIVERS: Record<Channel, ChannelDriver> = { email: emailChannel, slack: slackChannel, teams: teamsChannel, webhook: webhookChannel }

/** The channels the owner has configured (email needs smtp too). */
export function ownerChannels(config: Config, owner: string): Channel[] {
  return CHANNELS.filter((ch) => {
    try {
      return DRIVERS[ch].target(config, owner) !== null
    } catch {
      return false
    }
  })
}

/** Where a delivery goes, or a 400 naming the missing or bad field. */
export function targetOf(config: Config, owner: string, channel: Channel): Target {
  const at = ownerAt(config, owner)
  if (!at) throw channelConfigError('owner', `no owner ${owner} is configured (owners[].id)`)
  const target = DRIVERS[channel].target(config, owner)
  if (!target) throw channelConfigError(`${at.field}.${DRIVERS[channel].field}`, `owner ${owner} has no ${channel} channel configured`)
  return target
}

/**
 * Everything the channel needs is there, its secrets' environment variables included, or a 400
 * naming the field (for "Send test": a config mistake answers at once rather than as a failure).
 */
export function checkChannel(config: Config, owner: string, channel: Channel): Target {
  const target = targetOf(config, owner, channel)
  const at = ownerAt(config, owner)!
  if (channel === 'email' && config.smtp) {
    if (config.smtp.user) resolveRef(config.smtp.user, 'smtp.user')
    if (config.smtp.pass) resolveRef(config.smtp.pass, 'smtp.pass')
  }
  if (channel === 'webhook' && at.owner.webhook_secret) resolveRef(at.owner.webhook_secret, `${at.field}.webhook_secret`)
  return target
}

/**
 * Stores the delivery, sends it (retrying), records each attempt and resolves with the outcome.
 * Throws (400, before storing anything) only when the owner or its channel is not configured.
 */
export async function deliver(db: Db, config: Config, owner: string, channel: Channel, content: ChannelContent, opts: DeliverOptions = {}): Promise<DeliveryResult> {
  const stored = await record(db, config, owner, channel, content)
  return resend(db, config, stored, opts)
}

export interface StoredDelivery {
  id: string
  owner: string
  channel: Channel
  content: ChannelContent
  /** Attempts an earlier process already made. */
  attemptsDone: number
}

/** Stores a delivery before it is sent (nothing is lost if the process stops); send it with resend(). */
export async function record(db: Db, config: Config, owner: string, channel: Channel, content: ChannelContent): Promise<StoredDelivery> {
  const target = targetOf(config, owner, channel)
  const id = crypto.randomUUID()
  await insertRows(db, 'notifications', [
    { delivery_id: id, owner, event: content.event, channel, url: target.url, payload: JSON.stringify(content), created_at: microsToCh(arrivalMicros()) },
  ])
  // Which exceptions a delivery covered: overdue ones are notified once (notifications/overdue.sql).
  if (content.exceptions.length && content.event !== 'test')
    await insertRows(db, 'notification_items', content.exceptions.map((e) => ({ delivery_id: id, exception_id: e.id, event: content.event })))
  return { id, owner, channel, content, attemptsDone: 0 }
}

/** Sends a stored delivery (new, or left pending by an earlier process). */
export async function resend(db: Db, config: Config, d: StoredDelivery, opts: DeliverOptions = {}): Promise<DeliveryResult> {
  const retry: RetryOptions = {
    maxAttempts: opts.maxAttempts ?? config.notify.max_attempts,
    backoffMs: opts.backoffMs ?? config.notify.backoff_ms,
    timeoutMs: opts.timeoutMs ?? config.notify.timeout_ms,
  }
  const driver = DRIVERS[d.channel]
  const clock = opts.clock ?? systemClock
  const out = await sendWithRetries(db, clock, retry, d.id, d.attemptsDone, (attempt, signal) =>
    // The config in force at each attempt: a fixed channel (settings saved) helps the retries.
    driver.send(config, targetOf(config, d.owner, d.channel), d.content, { deliveryId: d.id, attempt, signal, now: clock.now() }),
  )
  return { delivery_id: d.id, owner: d.owner, channel: d.channel, ...out }
}
