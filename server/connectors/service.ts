// The connectors of the configured sources: pulls on a schedule (`every`, `full_every`) and on
// demand (API, CLI), their runs, and the next run due. A run left `running` by a crash or stop is
// marked failed once its source's lease is free (at start, on a tick, or when the next pull takes
// the lease): its committed pages stay, its cursor resumes after the last of them. Several servers
// on one engine pull each source one at a time (runner.ts, the lease) and read each other's runs.
import type { Db } from '../db/client.ts'
import type { Config, SourceConfig } from '../config/schema.ts'
import type { Clock } from '../lib/clock.ts'
import { writeSpans } from '../traces/store.ts'
import { durationMs } from './config.ts'
import { connectorType } from '../../ingest/connectors/types/index.ts'
import { ConnectorRunner } from './runner.ts'
import { collectSpan } from './spans.ts'
import { logOf } from '../observability/log.ts'
import { lastRuns, listRuns, saveRun, unfinishedRuns, type Run, type RunMode } from './runs.ts'

const TICK_MS = 15_000

export interface Schedule {
  every_ms: number | null
  full_every_ms: number | null
  /** When the next scheduled pull is due (null: on demand only). */
  next_run_at: string | null
  next_mode: RunMode | null
}

export class Connectors {
  private readonly runner: ConnectorRunner
  private timer: NodeJS.Timeout | null = null
  private last = new Map<string, string>()

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly clock: Clock,
    onIngested?: (system: string, entity: string) => void,
    fetchImpl?: typeof fetch,
  ) {
    this.runner = new ConnectorRunner({
      db, clock, spans: (s) => writeSpans(db, s), onIngested, fetch: fetchImpl, log: (l) => logOf(db).error(l),
      onAbandoned: (run) => this.failAbandoned(run),
    })
  }

  /** The source of `system` if it has a connector. */
  source(system: string): SourceConfig | undefined {
    return this.config.sources.find((s) => s.system === system && s.connector)
  }

  /** Marks runs a previous process left running as failed, learns the schedule, starts ticking. */
  async start(): Promise<void> {
    await this.reapAbandoned()
    await this.learn()
    if (this.config.sources.some((s) => s.connector)) {
      this.timer = setInterval(() => void this.tick().catch((e) => logOf(this.db).error({ err: e }, 'connector schedule failed')), TICK_MS)
      this.timer.unref()
      // Due pulls start now (each answers once its run is recorded; the pull goes on in the background).
      await this.tick().catch((e) => logOf(this.db).error({ err: e }, 'connector schedule failed'))
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  /** Marks failed the runs left `running` whose source no live server holds. */
  private async reapAbandoned(): Promise<void> {
    for (const run of await unfinishedRuns(this.db)) {
      if (this.runner.running(run.system) || (await this.runner.leaseOf(run.system).heldElsewhere())) continue
      await this.failAbandoned(run)
    }
  }

  private async failAbandoned(run: Run): Promise<void> {
    const now = this.clock.now()
    const failed: Run = { ...run, status: 'failed', ended_at: now.toISOString(), error: 'The server stopped during this run; the next run resumes after its last committed page.' }
    await saveRun(this.db, failed, now)
    // Its transaction fails too, so the cut-short pull shows on the Transactions page.
    await collectSpan((s) => writeSpans(this.db, s), failed, null, failed.error)
  }

  private async learn(): Promise<void> {
    for (const r of await lastRuns(this.db)) this.last.set(`${r.system}\u0000${r.mode}`, r.started_at)
  }

  schedule(system: string): Schedule {
    const c = this.source(system)?.connector
    const every = c?.every ? durationMs(c.every) : null
    const fullEvery = c?.full_every ? durationMs(c.full_every) : null
    const lastOf = (mode: RunMode) => {
      const at = this.last.get(`${system}\u0000${mode}`)
      return at ? Date.parse(at) : null
    }
    const due = (mode: RunMode, period: number | null) => {
      if (period === null) return null
      // A full listing reads everything an incremental would: it counts as one.
      const last = mode === 'incremental' ? Math.max(lastOf('incremental') ?? -Infinity, lastOf('full') ?? -Infinity) : lastOf('full')
      return last !== null && Number.isFinite(last) ? last + period : this.clock.now().getTime()
    }
    const inc = due('incremental', every)
    const full = due('full', fullEvery)
    // A full listing that is due goes first (it also does the incremental's work); else the sooner.
    const now = this.clock.now().getTime()
    const next =
      full !== null && full <= now
        ? { at: full, mode: 'full' as const }
        : [inc !== null ? { at: inc, mode: 'incremental' as const } : null, full !== null ? { at: full, mode: 'full' as const } : null]
            .filter((x) => x !== null)
            .sort((a, b) => a.at - b.at || (a.mode === 'full' ? -1 : 1))[0]
    // A type with no incremental read (Workday) lists everything on every run.
    const mode = next && c && connectorType(c.type).incremental === false ? 'full' : next?.mode
    return { every_ms: every, full_every_ms: fullEvery, next_run_at: next ? new Date(next.at).toISOString() : null, next_mode: mode ?? null }
  }

  /** Starts every scheduled pull that is due (a full listing first when both are). */
  async tick(): Promise<Run[]> {
    // Another server's runs count too: a pull it just did is not due again here.
    await this.reapAbandoned()
    await this.learn()
    const started: Run[] = []
    for (const s of this.config.sources) {
      if (!s.connector || this.runner.running(s.system)) continue
      const { next_run_at, next_mode } = this.schedule(s.system)
      if (next_run_at && next_mode && Date.parse(next_run_at) <= this.clock.now().getTime()) started.push((await this.pull(s.system, next_mode, 'schedule')).run)
    }
    return started
  }

  /** Starts a pull now; `done` settles when it ends. */
  async pull(system: string, mode: RunMode, trigger: string): Promise<{ run: Run; done: Promise<Run> }> {
    const source = this.source(system)
    if (!source) throw new Error(`${system} has no connector`)
    const started = await this.runner.start(source, mode, trigger)
    this.last.set(`${system}\u0000${started.run.mode}`, started.run.started_at)
    return started
  }

  runs(system: string, limit = 50): Promise<Run[]> {
    return listRuns(this.db, system, limit)
  }

  async run(system: string, runId: string): Promise<Run | null> {
    return (await listRuns(this.db, system, 1, runId))[0] ?? null
  }
}
