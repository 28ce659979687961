// Exception alerts per owner (CONTRACT §4: owners are teams or people), over every channel the
// owner has configured (notify/channels/: e-mail, Slack, Teams, signed webhook). One message
// per owner, event and channel per detection run. Deliveries are stored before sending and every
// attempt is recorded; failures retry with exponential backoff on the injected clock and stay
// visible in GET /api/v1/notifications.
import type { Db } from '../db/client.ts'
import { queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import type { Config } from '../config/schema.ts'
import { chToIso, toChDateTime } from '../lib/time.ts'
import { systemClock, type Clock } from '../lib/clock.ts'
import { addDecimals } from '../lib/decimal.ts'
import type { Severity } from '../rules/catalog.ts'
import { deliver, ownerChannels, record, resend, type Channel, type ChannelContent, type DeliverOptions, type DeliveryResult } from './channels/index.ts'
import { exceptionUrl, money, ownerUrl } from './channels/format.ts'
import { configForStored } from './digest/send.ts'

export interface NotifyOptions {
  maxAttempts: number
  backoffMs: number
  timeoutMs: number
}

interface ExceptionRow {
  id: string
  rule: string
  entity_type: string
  entity_key: string
  owner: string
  severity: Severity
  amount_at_risk: string
  currency: string
  due_at: string | null
}

const MAX_LISTED = 50

/** A delivery as notifications/list.sql reads it. */
interface DeliveryRow {
  id: string
  owner: string
  event: ChannelContent['event']
  channel: Channel
  url: string
  payload: string
  created_at: string
  attempts: string | number
  delivered: boolean | number
  last_error: string | null
  last_attempt_at: string | null
}

/** Where a delivery went, as listed: an e-mail's recipient, or a URL's host (its path may hold a secret). */
const destination = (url: string) => (url.startsWith('mailto:') ? url.slice('mailto:'.length) : new URL(url).host)

export class Notifier {
  private inflight = new Set<Promise<unknown>>()

  constructor(
    private db: Db,
    private config: Config,
    private opts: NotifyOptions,
    private clock: Clock = systemClock,
  ) {}

  private sendOptions(over: Partial<DeliverOptions> = {}): DeliverOptions {
    return { clock: this.clock, maxAttempts: this.opts.maxAttempts, backoffMs: this.opts.backoffMs, timeoutMs: this.opts.timeoutMs, ...over }
  }

  /** After a detection run: exceptions it opened or reopened, and any newly overdue. */
  afterRun(openedIds: string[], now = this.clock.now()): Promise<void> {
    // Tracked from the start, so idle() also waits for the deliveries this is about to queue.
    const p = this.queueAfterRun(openedIds, now)
    this.track(p.catch(() => {}))
    return p
  }

  private async queueAfterRun(openedIds: string[], now: Date): Promise<void> {
    if (!this.config.owners.some((o) => ownerChannels(this.config, o.id).length)) return
    if (openedIds.length) {
      const rows = await queryRows<ExceptionRow>(this.db, 'notify.opened', sqlFile('notifications/opened.sql'), { ids: openedIds })
      await this.enqueue('opened', rows)
    }
    const overdue = await queryRows<ExceptionRow>(this.db, 'notify.overdue', sqlFile('notifications/overdue.sql'), { now: toChDateTime(now) })
    await this.enqueue('overdue', overdue)
  }

  private async enqueue(event: 'opened' | 'overdue', rows: ExceptionRow[]): Promise<void> {
    const byOwner = new Map<string, ExceptionRow[]>()
    for (const r of rows) byOwner.set(r.owner, [...(byOwner.get(r.owner) ?? []), r])
    for (const [owner, items] of byOwner) {
      const content = message(event, owner, items, this.config)
      for (const channel of ownerChannels(this.config, owner)) {
        const stored = await record(this.db, this.config, owner, channel, content)
        this.track(resend(this.db, this.config, stored, this.sendOptions()))
      }
    }
  }

  /**
   * Sends any message (digests, subscriptions) to one of an owner's channels, tracked like
   * alerts (idle() waits for it). Resolves with the outcome; 400 when the channel is not configured.
   */
  send(owner: string, channel: Channel, content: ChannelContent, over: Partial<DeliverOptions> = {}): Promise<DeliveryResult> {
    const p = deliver(this.db, this.config, owner, channel, content, this.sendOptions(over))
    this.track(p.catch(() => {}))
    return p
  }

  /** Resumes deliveries left pending by a previous process. */
  async resume(): Promise<void> {
    const pending = await queryRows<DeliveryRow>(this.db, 'notify.pending', sqlFile('notifications/list.sql'), {
      only_pending: true,
      max_attempts: this.opts.maxAttempts,
      limit: 10_000,
    })
    for (const p of pending) {
      const stored = { id: p.id, owner: p.owner, channel: p.channel, content: JSON.parse(p.payload) as ChannelContent, attemptsDone: Number(p.attempts) }
      this.track(resend(this.db, configForStored(this.config, p), stored, this.sendOptions()))
    }
  }

  private track(p: Promise<unknown>) {
    this.inflight.add(p)
    p.finally(() => this.inflight.delete(p)).catch(() => {})
  }

  /** Waits for every delivery in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight])
  }

  async list(limit = 100) {
    const rows = await queryRows<DeliveryRow>(this.db, 'notify.list', sqlFile('notifications/list.sql'), {
      only_pending: false,
      max_attempts: this.opts.maxAttempts,
      limit,
    })
    return rows.map((r) => {
      const { html: _html, attachments: _images, ...message } = JSON.parse(String(r.payload)) as ChannelContent
      return {
        id: r.id,
        owner: r.owner,
        event: r.event,
        channel: r.channel,
        host: destination(String(r.url)),
        status: r.delivered ? ('delivered' as const) : Number(r.attempts) >= this.opts.maxAttempts ? ('failed' as const) : ('pending' as const),
        attempts: Number(r.attempts),
        last_error: r.delivered ? null : r.last_error || null,
        created_at: chToIso(r.created_at) as string,
        last_attempt_at: chToIso(r.last_attempt_at),
        message,
      }
    })
  }
}

/** The alert: one-line subject, Slack-compatible `text`, and the structured fields a program would read. */
export function message(event: 'opened' | 'overdue', owner: string, items: ExceptionRow[], config: Config): ChannelContent {
  // Summed exactly; only the sent number and the text's two decimals are rounded.
  const total = items.reduce((s, i) => addDecimals(s, i.amount_at_risk), '0')
  const head =
    event === 'opened'
      ? `${items.length} new exception${items.length === 1 ? '' : 's'} for ${owner}`
      : `${items.length} exception${items.length === 1 ? ' is' : 's are'} overdue for ${owner}`
  const lines = items
    .slice(0, 10)
    .map((i) => `• ${i.rule} ${i.entity_key} (${i.severity}${Number(i.amount_at_risk) ? `, ${money(Number(i.amount_at_risk), i.currency)} at risk` : ''})`)
  const more = items.length > 10 ? [`…and ${items.length - 10} more`] : []
  return {
    text: [`${head}${Number(total) ? ` — ${money(Number(total), items[0].currency)} at risk` : ''}`, ...lines, ...more].join('\n'),
    subject: `Crosswalk: ${head}`,
    event,
    owner,
    count: items.length,
    amount_at_risk: Number(total),
    link: ownerUrl(config, owner),
    exceptions: items.slice(0, MAX_LISTED).map((i) => ({
      id: i.id,
      rule: i.rule,
      entity_type: i.entity_type,
      entity_key: i.entity_key,
      severity: i.severity,
      amount_at_risk: Number(i.amount_at_risk),
      currency: i.currency,
      due_at: chToIso(i.due_at),
      url: exceptionUrl(config, i.id),
    })),
  }
}
