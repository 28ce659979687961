// Sends digests when they are due, on an injected clock: owners' (daily or weekly, at a local
// time in their time zone), the executives' weekly, and subscriptions to saved views. tick()
// does one pass; start() runs it every minute and once at start, so a digest missed while the
// server was down goes out once (only the latest period is ever owed, never one per period).
// Each (recipient, kind, period) is recorded before it is handed to the channels: a restart
// finds it and does not send it again. A pass holds the `digests` lease, so of several servers on
// one ClickHouse one sends and the others skip.
import type { Db } from '../../db/client.ts'
import type { Config } from '../../config/schema.ts'
import type { AccessStore } from '../../auth/store.ts'
import { insertRows, queryRows } from '../../db/query.ts'
import { sqlFile } from '../../db/sql-files.ts'
import { arrivalMicros, chToIso, microsToCh, toChDateTime } from '../../lib/time.ts'
import type { Clock } from '../../lib/clock.ts'
import { logOf } from '../../observability/log.ts'
import { digestLease, LeaseLost, type Lease } from '../../db/lease.ts'
import { lastSlot, periodMs, type DigestSchedule, type Slot } from './schedule.ts'
import { executiveDigest, ownerDigest, viewDigest, type Tally } from './content.ts'
import { executiveMessage, ownerMessage, subscriptionMessage, type DigestMessage } from './render.ts'
import { moneyByRuleChart, weeklyChart } from './charts.ts'
import { listSubscriptions, parseView, type Subscription } from './subscriptions.ts'
import { reachable, send, type Recipient } from './send.ts'

export type DigestKind = 'owner' | 'executive' | 'subscription'

interface Last {
  as_of: Date
  summary: { open?: Tally }
}

interface Job {
  /** The ledger's key: owner:<id>, user:<id>, subscription:<id>. */
  recipient: string
  kind: DigestKind
  schedule: DigestSchedule
  to: Recipient
  /** Owed from this instant (subscriptions: their creation); else from when first scheduled. */
  since?: Date
  build(slot: Slot, asOf: Date, last: Last | null): Promise<{ message: DigestMessage; summary: object }>
}

export interface Sent {
  recipient: string
  kind: DigestKind
  period: string
  as_of: string
}

interface State {
  scheduled: string | number
  since: string
  sent: string | number
  sent_any: string | number
  last_as_of: string
  last_summary: string
}

const TICK_MS = 60_000

export class DigestScheduler {
  private chain: Promise<unknown> = Promise.resolve()
  private inflight = new Set<Promise<unknown>>()
  private timer: NodeJS.Timeout | null = null
  private readonly lease: Lease

  constructor(
    private db: Db,
    private config: Config,
    private access: AccessStore,
    private clock: Clock,
  ) {
    this.lease = digestLease(db, { clock })
  }

  /** One pass at every recipient (passes never overlap). */
  tick(): Promise<Sent[]> {
    const p = this.chain.then(() => this.pass())
    this.chain = p.catch((e) => logOf(this.db).error({ err: e }, 'digests: a pass failed'))
    return p
  }

  /** Now (a digest missed while the server was down), then every `everyMs` (0: never). */
  start(everyMs = TICK_MS): void {
    void this.tick().catch(() => {})
    if (everyMs <= 0) return
    this.timer = setInterval(() => void this.tick().catch(() => {}), everyMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
  }

  /** Waits for the pass in progress and every delivery it started (tests, shutdown). */
  async idle(): Promise<void> {
    await this.chain
    while (this.inflight.size) await Promise.allSettled([...this.inflight])
  }

  private async pass(): Promise<Sent[]> {
    const now = this.clock.now()
    const jobs = await this.jobs()
    if (!jobs.length) return []
    // Another server is sending this minute's digests: its records say what went out.
    if ('holder' in (await this.lease.tryAcquire(`pass-${now.toISOString()}`))) return []
    const sent: Sent[] = []
    try {
      for (const job of jobs) {
        try {
          await this.lease.check()
          const s = await this.run(job, now)
          if (s) sent.push(s)
        } catch (e) {
          logOf(this.db).error({ err: e, recipient: job.recipient, kind: job.kind }, 'digest not sent')
          if (e instanceof LeaseLost) break
        }
      }
    } finally {
      await this.lease.release().catch(() => {})
    }
    return sent
  }

  private async run(job: Job, now: Date): Promise<Sent | null> {
    const slot = lastSlot(job.schedule, now)
    if (!slot) return null
    const params = { recipient: job.recipient, kind: job.kind }
    const [st] = await queryRows<State>(this.db, 'digests.state', sqlFile('notifications/digest_state.sql'), { ...params, period: slot.period })
    let since = job.since ?? (Number(st?.scheduled) ? new Date(chToIso(st.since)!) : null)
    if (!since) {
      await this.record({ ...params, period: '', as_of: now, summary: {} })
      since = now
    }
    if (Number(st?.sent) || slot.at.getTime() < since.getTime()) return null
    const last: Last | null = Number(st?.sent_any) ? { as_of: new Date(chToIso(st.last_as_of)!), summary: JSON.parse(st.last_summary || '{}') } : null
    const { message, summary } = await job.build(slot, now, last)
    // Recorded before it is handed over: after a restart it is found and not sent again.
    await this.record({ ...params, period: slot.period, as_of: now, summary })
    const delivery = send(this.db, this.config, job.to, message, this.clock).catch((e) => logOf(this.db).error({ err: e, recipient: job.recipient }, 'digest delivery failed'))
    this.inflight.add(delivery)
    void delivery.finally(() => this.inflight.delete(delivery))
    return { ...params, period: slot.period, as_of: now.toISOString() }
  }

  private record(r: { recipient: string; kind: string; period: string; as_of: Date; summary: object }) {
    return insertRows(this.db, 'digest_sends', [{ ...r, as_of: toChDateTime(r.as_of), sent_at: microsToCh(arrivalMicros()), summary: JSON.stringify(r.summary) }])
  }

  private async jobs(): Promise<Job[]> {
    return [...this.ownerJobs(), ...(await this.executiveJobs()), ...(await this.subscriptionJobs())]
  }

  private ownerJobs(): Job[] {
    const currency = () => this.config.reporting_currency
    return this.config.owners.flatMap((o): Job[] => {
      const to: Recipient = { kind: 'owner', owner: o.id }
      if (!o.digest || o.digest.frequency === 'off' || !reachable(this.config, to)) return []
      const schedule = o.digest
      return [{
        recipient: `owner:${o.id}`, kind: 'owner', schedule, to,
        build: async (slot, asOf, last) => {
          const since = last?.as_of ?? new Date(asOf.getTime() - periodMs(schedule))
          const d = await ownerDigest(this.db, o.id, asOf, since, last?.summary.open ?? null)
          return { message: ownerMessage(d, slot.period, currency()), summary: { open: d.open, overdue: d.overdue, new: d.new } }
        },
      }]
    })
  }

  private async executiveJobs(): Promise<Job[]> {
    const schedule = this.config.executive_digest
    if (schedule.frequency === 'off' || !reachable(this.config, { kind: 'email', id: 'executive', email: 'executive@example.com' })) return []
    const users = (await this.access.users()).filter((u) => u.role === 'executive' && !u.disabled && u.email)
    // One digest's content per pass, shared by every executive.
    let content: Promise<{ d: Awaited<ReturnType<typeof executiveDigest>>; images: ReturnType<typeof weeklyChart>[] }> | null = null
    const build = (asOf: Date) =>
      (content ??= executiveDigest(this.db, asOf, this.config.reporting_currency).then((d) => ({
        d,
        images: [moneyByRuleChart(d.by_rule, this.config.reporting_currency), weeklyChart(d.weeks)],
      })))
    return users.map((u): Job => ({
      recipient: `user:${u.id}`, kind: 'executive', schedule, to: { kind: 'email', id: `user:${u.id}`, email: u.email },
      build: async (_slot, asOf) => {
        const { d, images } = await build(asOf)
        return { message: executiveMessage(d, u.email, this.config.reporting_currency, images), summary: { kpis: d.kpis.map((k) => [k.name, k.value]) } }
      },
    }))
  }

  private async subscriptionJobs(): Promise<Job[]> {
    // One whose channel cannot be reached (e-mail without smtp) waits, unrecorded, until it can.
    const reached = (await listSubscriptions(this.db)).filter((s) => reachable(this.config, subscriptionRecipient(s)))
    return reached.map((s): Job => ({
      recipient: `subscription:${s.id}`, kind: 'subscription',
      schedule: { frequency: s.frequency, local_time: s.local_time, time_zone: s.time_zone, weekday: s.weekday },
      to: subscriptionRecipient(s),
      since: new Date(s.created_at),
      build: async (slot, asOf) => {
        const view = parseView(s.query)
        const d = await viewDigest(this.db, view.filter, view.sort, asOf)
        return { message: subscriptionMessage(s.name, s.target, d, slot.period, asOf, this.config.reporting_currency), summary: { count: d.count, amount: d.amount } }
      },
    }))
  }

  /** Digests sent, newest first. */
  async sent(kind: DigestKind | '' = '', limit = 100) {
    const rows = await queryRows<{ recipient: string; kind: DigestKind; period: string; as_of: string; sent_at: string }>(
      this.db, 'digests.sent', sqlFile('notifications/digest_sends.sql'), { kind, limit },
    )
    return rows.map((r) => ({ ...r, as_of: chToIso(r.as_of)!, sent_at: chToIso(r.sent_at)! }))
  }
}

export function subscriptionRecipient(s: Subscription): Recipient {
  return s.channel === 'email' ? { kind: 'email', id: `subscription:${s.id}`, email: s.target } : { kind: 'slack', id: `subscription:${s.id}`, url: s.target }
}
