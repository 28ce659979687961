// Webhook notifications per owner team (CONTRACT §4: owners are teams with a notification
// webhook, or people). One message per owner and event per detection run, Slack-compatible
// (`text`) with structured fields. Deliveries are stored before sending and every attempt is
// recorded; failures retry with exponential backoff and stay visible in
// GET /api/v1/notifications.
import crypto from 'node:crypto'
import pRetry from 'p-retry'
import type { Db } from '../db/client.ts'
import { insertRows, queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import type { Config } from '../config/schema.ts'
import { arrivalMicros, chToIso, microsToCh, toChDateTime } from '../lib/time.ts'
import { systemClock, type Clock } from '../lib/clock.ts'
import { addDecimals } from '../lib/decimal.ts'
import type { Severity } from '../rules/catalog.ts'
import { logOf, redactMessage } from '../observability/log.ts'
import { metricsOf } from '../observability/metrics.ts'

export interface NotifyOptions {
  maxAttempts: number
  backoffMs: number
  timeoutMs: number
}

interface ExceptionRow {
  id: string
  rule: string
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
  event: 'opened' | 'overdue'
  url: string
  payload: string
  created_at: string
  attempts: string | number
  delivered: boolean | number
  last_error: string | null
  last_attempt_at: string | null
}

export class Notifier {
  private inflight = new Set<Promise<void>>()

  constructor(
    private db: Db,
    private config: Config,
    private opts: NotifyOptions,
    private clock: Clock = systemClock,
  ) {}

  private webhookOf(owner: string): string | null {
    return this.config.owners.find((o) => o.id === owner)?.webhook ?? null
  }

  /** After a detection run: exceptions it opened or reopened, and any newly overdue. */
  afterRun(openedIds: string[], now = this.clock.now()): Promise<void> {
    // Tracked from the start, so idle() also waits for the deliveries this is about to queue.
    const p = this.queueAfterRun(openedIds, now)
    this.track(p.catch(() => {}))
    return p
  }

  private async queueAfterRun(openedIds: string[], now: Date): Promise<void> {
    if (!this.config.owners.some((o) => o.webhook)) return
    if (openedIds.length) {
      const rows = await queryRows<ExceptionRow>(this.db, 'notify.opened', sqlFile('notifications/opened.sql'), { ids: openedIds })
      await this.enqueue('opened', rows)
    }
    const overdue = await queryRows<ExceptionRow>(this.db, 'notify.overdue', sqlFile('notifications/overdue.sql'), { now: toChDateTime(now) })
    await this.enqueue('overdue', overdue)
  }

  private async enqueue(event: 'opened' | 'overdue', rows: ExceptionRow[]): Promise<void> {
    const byOwner = new Map<string, ExceptionRow[]>()
    for (const r of rows) if (this.webhookOf(r.owner)) byOwner.set(r.owner, [...(byOwner.get(r.owner) ?? []), r])
    for (const [owner, items] of byOwner) {
      const id = crypto.randomUUID()
      const url = this.webhookOf(owner)!
      const payload = JSON.stringify(message(event, owner, items))
      await insertRows(this.db, 'notifications', [{ delivery_id: id, owner, event, url, payload, created_at: microsToCh(arrivalMicros()) }])
      await insertRows(this.db, 'notification_items', items.map((i) => ({ delivery_id: id, exception_id: i.id, event })))
      this.track(this.deliver(id, url, payload, 0))
    }
  }

  /** Resumes deliveries left pending by a previous process. */
  async resume(): Promise<void> {
    const pending = await queryRows<{ id: string; url: string; payload: string; attempts: string }>(
      this.db, 'notify.pending', sqlFile('notifications/list.sql'), { only_pending: true, max_attempts: this.opts.maxAttempts, limit: 10_000 },
    )
    for (const p of pending) this.track(this.deliver(p.id, p.url, p.payload, Number(p.attempts)))
  }

  private track(p: Promise<void>) {
    this.inflight.add(p)
    p.finally(() => this.inflight.delete(p))
  }

  /** Waits for every delivery in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight])
  }

  /** Sends until delivered or out of attempts; `done` attempts were made by an earlier process. */
  private async deliver(id: string, url: string, payload: string, done: number): Promise<void> {
    const { maxAttempts, backoffMs } = this.opts
    await pRetry((n) => this.attempt(id, url, payload, done + n), {
      retries: Math.max(0, maxAttempts - done - 1),
      // p-retry's own timer is zeroed: the backoff waits on the injected clock in onFailedAttempt,
      // doubling from backoffMs and carrying on from the attempts an earlier process made.
      minTimeout: 0,
      maxTimeout: 0,
      onFailedAttempt: async (e) => {
        if (e.retriesLeft > 0) await this.clock.sleep(backoffMs * 2 ** (done + e.attemptNumber - 1))
      },
    }).catch((e: Error) => {
      metricsOf(this.db)?.notificationFailed(true)
      logOf(this.db).error({ delivery: id, host: new URL(url).host, attempts: maxAttempts, reason: redactMessage(e.message) }, 'notification failed after every attempt')
    })
  }

  /** One POST, recorded whatever its outcome; a failure throws its reason. */
  private async attempt(id: string, url: string, payload: string, attempt: number): Promise<void> {
    let status = 0
    let error = ''
    try {
      const res = await fetch(url, {
        method: 'POST',
        // The delivery id lets a receiver drop a retry of a message it already took.
        headers: { 'content-type': 'application/json', 'user-agent': 'crosswalk-notify', 'x-crosswalk-delivery': id, 'x-crosswalk-attempt': String(attempt) },
        body: payload,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      })
      status = res.status
      await res.arrayBuffer().catch(() => {})
      if (!res.ok) error = `HTTP ${res.status}`
    } catch (e) {
      error = (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message
    }
    await insertRows(this.db, 'notification_attempts', [
      { delivery_id: id, attempt, at: microsToCh(arrivalMicros()), ok: !error, status_code: status, error },
    ]).catch((e) => logOf(this.db).error({ err: e, delivery: id }, 'cannot record a notification attempt'))
    if (error) metricsOf(this.db)?.notificationFailed(false)
    if (error) throw new Error(error)
  }

  async list(limit = 100) {
    const rows = await queryRows<DeliveryRow>(
      this.db, 'notify.list', sqlFile('notifications/list.sql'), { only_pending: false, max_attempts: this.opts.maxAttempts, limit },
    )
    return rows.map((r) => ({
      id: r.id,
      owner: r.owner,
      event: r.event,
      host: new URL(String(r.url)).host,
      status: r.delivered ? ('delivered' as const) : Number(r.attempts) >= this.opts.maxAttempts ? ('failed' as const) : ('pending' as const),
      attempts: Number(r.attempts),
      last_error: r.delivered ? null : r.last_error || null,
      created_at: chToIso(r.created_at) as string,
      last_attempt_at: chToIso(r.last_attempt_at),
      message: JSON.parse(String(r.payload)) as ReturnType<typeof message>,
    }))
  }
}

function money(amount: string, currency: string): string {
  return `${currency} ${Number(amount).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
}

/** Slack-compatible `text`, plus the structured fields a program would read. */
export function message(event: 'opened' | 'overdue', owner: string, items: ExceptionRow[]) {
  // Summed exactly; only the sent number and the text's two decimals are rounded.
  const total = items.reduce((s, i) => addDecimals(s, i.amount_at_risk), '0')
  const head =
    event === 'opened'
      ? `${items.length} new exception${items.length === 1 ? '' : 's'} for ${owner}`
      : `${items.length} exception${items.length === 1 ? ' is' : 's are'} overdue for ${owner}`
  const lines = items
    .slice(0, 10)
    .map((i) => `• ${i.rule} ${i.entity_key} (${i.severity}${Number(i.amount_at_risk) ? `, ${money(i.amount_at_risk, i.currency)} at risk` : ''})`)
  const more = items.length > 10 ? [`…and ${items.length - 10} more`] : []
  return {
    text: [`${head}${Number(total) ? ` — ${money(total, items[0].currency)} at risk` : ''}`, ...lines, ...more].join('\n'),
    event,
    owner,
    count: items.length,
    amount_at_risk: Number(total),
    exceptions: items.slice(0, MAX_LISTED).map((i) => ({
      id: i.id,
      rule: i.rule,
      entity_key: i.entity_key,
      severity: i.severity,
      amount_at_risk: Number(i.amount_at_risk),
      currency: i.currency,
      due_at: chToIso(i.due_at),
    })),
  }
}
