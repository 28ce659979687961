// Retention (config `retention`): spans older than 90 days by default; entity versions
// superseded more than N months ago (off by default); delivered notifications; dead letters; the
// audit log only when the firm says so. A periodic job rather than table TTLs: what may go
// depends on other tables (the current version, open exceptions, deliveries), and the job reads
// "now" from the injected clock like everything else.
import type { Db } from '../db/client.ts'
import { command, queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import type { Clock } from '../lib/clock.ts'
import { toChDateTime } from '../lib/time.ts'
import { ENTITY_NAMES } from '../model/spec.ts'
import { durationMs, type RetentionConfig } from './config.ts'

export interface RetentionRun {
  at: string
  /** Days of spans dropped. */
  span_days: number
  /** Entity tables whose old versions were deleted (0 when entity versions are kept). */
  entity_tables: number
  notifications: boolean
  dead_letters: boolean
  audit: boolean
}

/** One retention pass as of `now`; each kind set to `keep` is left alone. */
export async function runRetention(db: Db, r: RetentionConfig, now: Date): Promise<RetentionRun> {
  const before = (ms: number | null) => (ms === null ? null : new Date(now.getTime() - ms))
  const run: RetentionRun = { at: now.toISOString(), span_days: 0, entity_tables: 0, notifications: false, dead_letters: false, audit: false }
  const spans = before(durationMs(r.spans))
  if (spans) run.span_days = await dropSpanDays(db, spans)
  if (r.entity_versions_months !== 'keep') {
    const cutoff = monthsBefore(now, r.entity_versions_months)
    for (const entity of ENTITY_NAMES) {
      await command(db, 'retention.entity_versions', sqlFile('retention/entity_versions.sql'), { table: `entity_${entity}`, entity, cutoff: toChDateTime(cutoff) })
      run.entity_tables++
    }
  }
  const notifications = before(durationMs(r.notifications))
  if (notifications) {
    await command(db, 'retention.notifications', sqlFile('retention/notifications.sql'), { cutoff: toChDateTime(notifications) })
    await command(db, 'retention.notification_items', sqlFile('retention/notification_items.sql'), {})
    await command(db, 'retention.notification_attempts', sqlFile('retention/notification_attempts.sql'), {})
    run.notifications = true
  }
  const deadLetters = before(durationMs(r.dead_letters))
  if (deadLetters) {
    await command(db, 'retention.dead_letters', sqlFile('retention/dead_letters.sql'), { cutoff: toChDateTime(deadLetters) })
    await command(db, 'retention.dead_letter_replays', sqlFile('retention/dead_letter_replays.sql'), { cutoff: toChDateTime(deadLetters) })
    run.dead_letters = true
  }
  const audit = before(durationMs(r.audit))
  if (audit) {
    await command(db, 'retention.audit', sqlFile('retention/audit.sql'), { cutoff: toChDateTime(audit) })
    run.audit = true
  }
  return run
}

// Lightweight DELETE waits for its mutation by default (lightweight_deletes_sync = 2): a run's
// effect is seen by the next read. No setting is changed here: on the embedded engine a setting
// stays on its one session for every later query (db/client.ts).

async function dropSpanDays(db: Db, cutoff: Date): Promise<number> {
  const days = await queryRows<{ partition: string }>(db, 'retention.span_partitions', sqlFile('retention/span_partitions.sql'), {
    cutoff_day: cutoff.toISOString().slice(0, 10),
  })
  for (const d of days) await command(db, 'retention.drop_span_partition', sqlFile('retention/drop_span_partition.sql'), { partition: d.partition })
  return days.length
}

/** The same time of day `months` calendar months earlier (the 31st falls back to the month's end). */
export function monthsBefore(now: Date, months: number): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1, now.getUTCHours(), now.getUTCMinutes(), now.getUTCSeconds(), now.getUTCMilliseconds()))
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
  d.setUTCDate(Math.min(now.getUTCDate(), lastDay))
  return d
}

/**
 * Runs retention every `every_hours` of the clock's time, the first one interval after start.
 * A real timer (unref'd: it never keeps the process up) asks every few minutes whether a run
 * is due by the clock, so a test's ManualClock decides when, and never spins.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private due: number
  last: RetentionRun | null = null

  constructor(
    private readonly db: Db,
    private readonly config: RetentionConfig,
    private readonly clock: Clock,
    private readonly log: (line: string) => void,
  ) {
    this.due = clock.now().getTime() + config.every_hours * 3_600_000
  }

  start(): void {
    if (this.config.every_hours <= 0 || this.timer) return
    this.timer = setInterval(() => void this.tick(), Math.min(this.config.every_hours * 3_600_000, CHECK_MS))
    this.timer.unref()
  }

  /** Runs retention if it is due by the clock; resolves when that run (or one in progress) ends. */
  tick(): Promise<void> {
    if (this.running) return this.running
    if (this.config.every_hours <= 0 || this.clock.now().getTime() < this.due) return Promise.resolve()
    this.running = (async () => {
      const now = this.clock.now()
      this.due = now.getTime() + this.config.every_hours * 3_600_000
      try {
        this.last = await runRetention(this.db, this.config, now)
      } catch (e) {
        this.log(`[${now.toISOString()}] retention failed (tried again in ${this.config.every_hours} h): ${(e as Error).message.split('\n')[0]}`)
      }
    })().finally(() => (this.running = null))
    return this.running
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.running
  }
}

const CHECK_MS = 5 * 60_000
