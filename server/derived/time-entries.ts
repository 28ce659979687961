// Derived state of time entries (sql/migrations/0012): the current record of every key, the
// facts KPIs and rules sum, the reconciliation matrix and the per-key rule candidates, kept in
// step with history. History stays the record: whenever the derived tables might disagree with
// it (a crash half-way through an application, a failed one, a first start on existing data),
// they are rebuilt from it, and until then every read uses history.
//
// Committed batches are applied shortly after they commit, in the background, many at once, so
// ingest never waits for them; a read that wants the derived tables first applies whatever has
// committed before it (sync), so it never sees less than history would. See
// docs/derived-state.md for why each as_of is exact.
import type { ClickHouseSettings } from '@clickhouse/client'
import type { Db } from '../db/client.ts'
import { command as run, queryRows, type Params } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { arrivalMicros, microsToCh, toChDateTime } from '../lib/time.ts'
import { planGroups, type ApplyGroup, type CommittedBatch } from './groups.ts'
import { ingestsInProgress } from '../ingest/pipeline.ts'
import { Serial } from '../lib/serial.ts'
import { logOf } from '../observability/log.ts'

export type DerivedState = 'building' | 'ready' | 'failed'

/** What a read needs: facts (sums as of any time since the floor) or the current records. */
export type DerivedNeed = 'facts' | 'now'

/** Inserts in blocks of 64k rows: a whole large batch in one block held ~200 MB (wide rows). */
const BOUNDED: ClickHouseSettings = { max_block_size: '65536', max_insert_block_size: '65536', min_insert_block_size_rows: '65536', min_insert_block_size_bytes: '0' }
/** Key order is the tables' order: aggregating per key streams (time_entry_pairs). */
const IN_ORDER: ClickHouseSettings = { ...BOUNDED, optimize_aggregation_in_order: 1 }

const DERIVED_TABLES = ['now_time_entry', 'fact_time_entry', 'fact_time_pair', 'now_time_issue', 'derived_time_change', 'derived_time_stage']
/** Work tables of applications in progress: emptied at start (nothing is in progress then). */
const WORK_TABLES = ['derived_time_change', 'derived_time_stage']
/** Applications staged per pass over history (each is a partition: well under the engine's 100 per insert). */
const STAGE_GROUPS = 64
/** Batches up to this size, arriving alone, are applied before their ingest is answered. */
const INLINE_ROWS = 50_000
/** Rows above which an application aggregates in key order. */
const IN_ORDER_ROWS = 200_000

/**
 * Background application: once no ingest request has been streaming for this long (a bulk load
 * runs at full speed and is applied after it), or at the latest this long after the first
 * batch waiting. A read never waits for this: it applies what is pending itself.
 */
const QUIET_MS = 1_000
const MAX_LAG_MS = 60_000

export class TimeEntryDerived {
  state: DerivedState = 'building'
  /** The latest valid_from applied (ClickHouse UTC text), or null before any. */
  watermark: string | null = null
  /** Facts are exact for as_of at or after this (null: for every as_of). */
  floor: string | null = null
  lastRebuild: { seconds: number; batches: number; at: string } | null = null
  lastError: string | null = null
  private chain = new Serial()
  private pending: CommittedBatch[] = []
  /** Batches the tables hold: a commit seen both by a rebuild's listing and by its hook applies once. */
  private applied = new Set<string>()
  private timer: NodeJS.Timeout | null = null
  private firstPending = 0
  private retry: NodeJS.Timeout | null = null
  private retryIn = 15_000
  private closed = false

  constructor(
    private db: Db,
    private log: (line: string) => void = () => {},
  ) {}

  /**
   * True when a read as of `asOf` may use the derived tables for `need`. Call sync() first:
   * with batches waiting to be applied it is false.
   */
  usable(asOf: Date | string, need: DerivedNeed): boolean {
    if (this.state !== 'ready' || this.pending.length) return false
    const t = typeof asOf === 'string' ? asOf : toChDateTime(asOf)
    if (need === 'now') return this.watermark === null || t >= this.watermark
    return this.floor === null || t >= this.floor
  }

  get pendingBatches(): number {
    return this.pending.length
  }

  /** Applies every batch committed so far (a read calls this before choosing its SQL). */
  sync(): Promise<void> {
    if (this.state !== 'ready' || !this.pending.length) return Promise.resolve()
    return this.serial(() => this.catchUp())
  }

  /**
   * At start: ready (with the batches that committed but were not applied yet queued) unless an
   * application was cut short, which makes the tables suspect: then they are rebuilt in the
   * background and reads use history meanwhile.
   */
  async open(): Promise<void> {
    const [ledger, committed] = await Promise.all([
      queryRows<{ batch_uid: string; valid_from: string; out_of_order: boolean; done: boolean }>(
        this.db, 'derived.applied', sqlFile('derived/applied.sql'), { entity: 'time_entry' },
      ),
      this.committedBatches(),
    ])
    const applied = ledger.filter((a) => a.done)
    for (const table of WORK_TABLES) await run(this.db, 'derived.truncate', sqlFile('derived/truncate.sql'), { table })
    if (ledger.some((a) => !a.done)) {
      void this.rebuild()
      return
    }
    this.applied = new Set(applied.map((a) => a.batch_uid))
    this.watermark = maxOf(applied.map((a) => a.valid_from))
    this.floor = maxOf(applied.filter((a) => a.out_of_order).map((a) => a.valid_from))
    this.pending = committed.filter((b) => !this.applied.has(b.batch_uid))
    this.state = 'ready'
    if (this.pending.length) this.schedule()
  }

  /**
   * A time-entry batch has committed. A small one with nothing else waiting (a collector's
   * delta, never a bulk load's backlog) is applied before its request is answered, so it shows
   * at once; during a bulk load batches are applied after it, or by the next read needing them.
   */
  committed(batch: CommittedBatch): Promise<void> {
    this.pending.push(batch)
    if (batch.rows <= INLINE_ROWS && this.pending.length === 1 && ingestsInProgress() <= 1) return this.sync()
    this.schedule()
    return Promise.resolve()
  }

  /** Truncates the derived tables and applies every committed batch again, in observed order. */
  rebuild(): Promise<void> {
    this.state = 'building'
    return this.serial(async () => {
      const t0 = performance.now()
      try {
        for (const table of DERIVED_TABLES) await run(this.db, 'derived.truncate', sqlFile('derived/truncate.sql'), { table })
        await run(this.db, 'derived.forget', sqlFile('derived/forget.sql'), { entity: 'time_entry' })
        this.watermark = null
        this.floor = null
        this.applied.clear()
        const batches = await this.committedBatches()
        await this.applyAll(batches)
        this.lastRebuild = { seconds: (performance.now() - t0) / 1000, batches: batches.length, at: new Date().toISOString() }
        this.state = 'ready'
        this.lastError = null
        this.retryIn = 15_000
        if (this.pending.length) this.schedule()
        this.log(`derived time-entry tables rebuilt from history: ${batches.length} batches in ${this.lastRebuild.seconds.toFixed(1)} s`)
      } catch (e) {
        this.fail(e)
        if (this.closed) return
        // Storage may come back (a full disk emptied): try again, less and less often.
        this.retry = setTimeout(() => void this.rebuild(), this.retryIn)
        this.retry.unref()
        this.retryIn = Math.min(this.retryIn * 2, 600_000)
      }
    })
  }

  /** Waits for everything queued, including what is queued meanwhile (tests). */
  idle(): Promise<void> {
    return this.chain.idle()
  }

  /** Applies what is pending and stops the timers (shutdown). */
  async close(): Promise<void> {
    this.closed = true
    for (const t of [this.timer, this.retry]) if (t) clearTimeout(t)
    await this.sync().catch(() => {})
    await this.idle()
  }

  private schedule(): void {
    if (this.closed || this.state !== 'ready') return
    const now = Date.now()
    if (!this.firstPending) this.firstPending = now
    if (this.timer) clearTimeout(this.timer)
    const wait = Math.max(0, Math.min(QUIET_MS, this.firstPending + MAX_LAG_MS - now))
    this.timer = setTimeout(() => {
      this.timer = null
      if (ingestsInProgress() > 0 && Date.now() - this.firstPending < MAX_LAG_MS) return this.schedule()
      void this.sync()
    }, wait)
    this.timer.unref()
  }

  private committedBatches(): Promise<CommittedBatch[]> {
    return queryRows<CommittedBatch>(this.db, 'derived.committed', sqlFile('derived/committed.sql'), { entity: 'time_entry' })
  }

  private async catchUp(): Promise<void> {
    if (this.state !== 'ready' || this.pending.length === 0) return
    const batches = this.pending.filter((b) => !this.applied.has(b.batch_uid))
    try {
      await this.applyAll(batches)
    } catch (e) {
      this.fail(e)
      void this.rebuild()
    }
  }

  /**
   * Applies batches in observed order: their rows are staged from history first, many
   * applications per pass (one scan of a large history instead of one per application).
   */
  private async applyAll(batches: CommittedBatch[]): Promise<void> {
    this.firstPending = 0
    const groups = planGroups(batches, this.watermark).map((g) => ({ ...g, apply: arrivalMicros().toString() }))
    for (let i = 0; i < groups.length; i += STAGE_GROUPS) {
      const chunk = groups.slice(i, i + STAGE_GROUPS)
      await command(this.db, 'derived.stage', sqlFile('derived/time_entry/stage.sql'), {
        uids: chunk.flatMap((g) => g.uids),
        applies: chunk.flatMap((g) => g.uids.map(() => Number(g.apply))),
        received_from: chunk.map((g) => g.receivedFrom).reduce((a, b) => (b < a ? b : a)),
        received_to: chunk.map((g) => g.receivedTo).reduce((a, b) => (b > a ? b : a)),
      }, BOUNDED)
      for (const g of chunk) await this.apply(g)
    }
    this.pending = this.pending.filter((b) => !this.applied.has(b.batch_uid))
  }

  /**
   * One application: the touched keys' pairs before, the rows in, the pairs after, then each
   * derived table changed by one statement, so a reader sees it before or after, never half-way.
   * Large ones aggregate per key in key order, in bounded memory. The ledger marks the start and
   * the end: a start without an end at the next start means a rebuild.
   */
  private async apply(g: ApplyGroup & { apply: string }): Promise<void> {
    const { apply } = g
    const ledger = (done: boolean) =>
      run(this.db, 'derived.ledger', sqlFile('derived/ledger.sql'), {
        uids: g.uids, entity: 'time_entry', apply, valid_from: g.validFrom, out_of_order: g.outOfOrder, done, at: microsToCh(arrivalMicros()),
      })
    // In key order the per-key aggregation streams (bounded memory), but for a few thousand keys
    // a hash table is quicker (0.13 s against 0.49 s for 56k keys).
    const settings = g.rows > IN_ORDER_ROWS ? IN_ORDER : BOUNDED
    const step = (name: string, params: Params = { apply }) => command(this.db, `derived.${name}`, sqlFile(`derived/time_entry/${name}.sql`), params, settings)
    await ledger(false)
    await step('change', { apply, side: -1 })
    await step('now')
    await step('change', { apply, side: 1 })
    await step('facts', { apply, valid_from: g.validFrom })
    await step('pairs', { apply, valid_from: g.validFrom })
    await step('issues')
    await step('done')
    await step('done_stage')
    await ledger(true)
    for (const uid of g.uids) this.applied.add(uid)
    if (this.watermark === null || g.validFrom > this.watermark) this.watermark = g.validFrom
    if (g.outOfOrder && (this.floor === null || g.validFrom > this.floor)) this.floor = g.validFrom
  }

  private fail(e: unknown): void {
    this.state = 'failed'
    this.lastError = (e as Error).message.split('\n')[0]
    logOf(this.db).error({ err: e }, 'derived time-entry tables failed (reads use history until a rebuild succeeds)')
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.chain.run(fn)
  }
}

/** CROSSWALK_DERIVED_TRACE=1 prints each step's time (tuning). */
const TRACE = process.env.CROSSWALK_DERIVED_TRACE === '1'

async function command(db: Db, tag: string, query: string, params: Params, settings: ClickHouseSettings) {
  const t = performance.now()
  await run(db, tag, query, params, settings)
  if (TRACE) logOf(db).info({ tag, ms: Math.round(performance.now() - t) }, 'derived step')
}

function maxOf(values: string[]): string | null {
  return values.length ? values.reduce((a, b) => (b > a ? b : a)) : null
}
