// Pulls a source through its connector (CONTRACT §8): each page read is mapped, its references
// resolved, and sent through the same ingest pipeline as §3 as one batch; its cursor is saved
// only after that batch commits. One run per source at a time; every run is recorded.
import type { Db } from '../db/client.ts'
import type { Clock } from '../lib/clock.ts'
import type { EntityName } from '../model/entities.ts'
import type { SourceConfig } from '../config/schema.ts'
import { KeyedSerial } from '../lib/serial.ts'
import { connectorType } from '../../ingest/connectors/types/index.ts'
import { BudgetExhausted, openSource, type ConnectorConfig as FrameworkConfig, type CursorState, type Page } from '../../ingest/connectors/framework/index.ts'
import { columnsOf, loadMapping, mergeMapping, shippedMappings, type Mapping } from '../../ingest/connectors/mapping/index.ts'
import type { ConnectorConfig } from './config.ts'
import { KeyBook } from './keys.ts'
import { metricsOf } from '../observability/metrics.ts'
import { collectSpan, type SpanSink } from './spans.ts'
import { loadState, newRun, saveRun, saveState, type Run, type RunMode } from './runs.ts'
import type { Lease } from '../db/lease.ts'
import { SourceLeases } from './run-lease.ts'
import { emptyGroup, GROUP_ROWS, mapPage, resendResolved, sendBatch, type Group, type SnapshotPart } from './run-batches.ts'

/** Targets before what refers to them, so references resolve within one run. */
const ORDER: EntityName[] = ['account', 'resource', 'project', 'opportunity', 'rate_card', 'assignment', 'invoice', 'time_entry', 'expense'] as EntityName[]

export interface RunnerDeps {
  db: Db
  clock: Clock
  spans: SpanSink
  /** Called after each committed batch (detection, read cache). */
  onIngested?: (system: string, entity: string) => void
  fetch?: typeof fetch
  log?: (line: string) => void
  /** A run a stopped server left `running` (found on taking its source's lease): mark it failed. */
  onAbandoned?: (run: Run) => Promise<void>
}

export class ConnectorRunner {
  private readonly turns = new KeyedSerial()
  private readonly active = new Map<string, Run>()
  /** The background work of each active run, until its lease is given up. */
  private readonly settling = new Map<string, Promise<Run>>()
  private readonly notes = new WeakMap<Run, Set<string>>()
  private readonly leases: SourceLeases

  constructor(private readonly deps: RunnerDeps) {
    this.leases = new SourceLeases(deps.db, deps.clock, deps.onAbandoned)
  }

  /** The lease that keeps a source to one pull at a time across servers on one engine. */
  leaseOf(system: string): Lease {
    return this.leases.of(system)
  }

  /** The run in progress for a source, if any. */
  running(system: string): Run | undefined {
    return this.active.get(system)
  }

  /**
   * Starts a pull now and answers its run at once (status running); the pull goes on in the
   * background. A second request while one runs answers the running one.
   */
  async start(source: SourceConfig, mode: RunMode, trigger: string): Promise<{ run: Run; done: Promise<Run> }> {
    for (;;) {
      const current = this.active.get(source.system)
      if (!current) break
      if (current.status === 'running') return { run: current, done: this.turns.run(source.system, async () => current) }
      // One that has just ended is still giving up its lease: a pull asked now is a new one.
      await this.settling.get(source.system)?.catch(() => {})
    }
    // A type with no incremental read lists everything every time: say so in the run.
    const effective = source.connector && connectorType(source.connector.type).incremental === false ? 'full' : mode
    const run = newRun(source.system, effective, trigger, this.deps.clock.now())
    // Set before the first await: a second request meanwhile answers this run.
    this.active.set(source.system, run)
    let lease: Lease
    try {
      const got = await this.leases.acquire(source.system, run.run_id)
      if ('other' in got) {
        this.active.delete(source.system)
        return { run: got.other, done: Promise.resolve(got.other) }
      }
      lease = got.lease
    } catch (e) {
      this.active.delete(source.system)
      throw e
    }
    try {
      await saveRun(this.deps.db, run, this.deps.clock.now())
    } catch (e) {
      this.active.delete(source.system)
      await lease.release().catch(() => {})
      throw e
    }
    const done = this.turns.run(source.system, () => this.leases.hold(lease, () => this.execute(source, run))).finally(() => {
      this.active.delete(source.system)
      this.settling.delete(source.system)
    })
    this.settling.set(source.system, done)
    return { run, done }
  }

  private async execute(source: SourceConfig, run: Run): Promise<Run> {
    try {
      await this.pullSource(source, run)
      run.status = 'ok'
    } catch (e) {
      if (e instanceof BudgetExhausted) {
        // Ends cleanly: what committed stays, the cursors say where the next run resumes.
        run.status = 'ok'
        run.error = `Stopped early, to resume next run: ${describe(e, source.connector)}`
      } else {
        run.status = 'failed'
        run.error = describe(e, source.connector)
        this.deps.log?.(`[${this.deps.clock.now().toISOString()}] connector ${source.system} (${run.mode}) failed: ${run.error}`)
      }
    }
    run.ended_at = this.deps.clock.now().toISOString()
    metricsOf(this.deps.db)?.connectorRun(source.system, run.status)
    try {
      await collectSpan(this.deps.spans, run, null, run.status === 'failed' ? run.error : null)
      await saveRun(this.deps.db, run, this.deps.clock.now())
    } catch (e) {
      // Storage gone (a stop mid-pull): the run stays `running` and the next start marks it failed.
      // Never an unhandled rejection: nobody awaits a pull started from the API.
      this.deps.log?.(`[${this.deps.clock.now().toISOString()}] connector ${source.system}: the run's end could not be recorded: ${describe(e, source.connector)}`)
    }
    return run
  }

  private async pullSource(source: SourceConfig, run: Run): Promise<void> {
    const c = source.connector!
    const type = connectorType(c.type)
    const http = openSource(type, frameworkConfig(c), { clock: this.deps.clock, fetch: this.deps.fetch })
    const states = run.mode === 'full' ? new Map<string, unknown>() : await loadState(this.deps.db, source.system)
    const keys = new KeyBook(this.deps.db, source.system, this.deps.clock)
    for (const entity of entitiesOf(type.entities, c)) {
      const mapping = mergeMapping(loadMapping(c.type, entity as EntityName), c.entities?.[entity] ?? {}, `connector.entities.${entity}`)
      const pages = type.read(entity, {
        mode: run.mode,
        state: (states.get(entity) as CursorState | undefined) ?? null,
        columns: columnsOf(mapping),
        source: mapping.source as never,
        runStartedAt: new Date(run.started_at),
        http,
      })
      await this.pullEntity(source, run, entity as EntityName, mapping, pages, keys)
    }
    const t = await resendResolved(this.deps.db, this.deps.clock, source, run, keys)
    run.records += t.records
    run.rejected += t.rejected
  }

  /** Counts go straight onto the run, saved after every page so its progress can be watched. */
  private async pullEntity(source: SourceConfig, run: Run, entity: EntityName, mapping: Mapping, pages: AsyncIterable<Page>, keys: KeyBook): Promise<void> {
    const snapshotId = `${run.run_id}.${entity}`
    const ctx = { format: source.connector!.date_format }
    let part = 0
    let group = emptyGroup()
    for await (const page of pages) {
      if (page.info.note) this.note(source, run, page.info.note)
      const started = this.deps.clock.now()
      for (const l of await mapPage(entity, mapping, page, keys, ctx)) group.lines.push({ ...l, line: group.lines.length + 1 })
      group.pages.push({ records: page.records.length, url: page.info.url, started })
      group.full ||= Boolean(page.full)
      if (page.state) group.state = page.state
      // Pages go to the engine in groups: one batch per page would pay a commit per 200 records.
      if (!page.last && group.lines.length < (source.connector!.batch_records ?? GROUP_ROWS)) continue
      await this.commitGroup(source, run, entity, mapping, keys, group, group.full ? { snapshotId, part: ++part, last: page.last } : null)
      group = emptyGroup()
    }
    if (group.pages.length) await this.commitGroup(source, run, entity, mapping, keys, group, group.full ? { snapshotId, part: ++part, last: true } : null)
  }

  /** A type's note (a deletion feed the role may not read): logged once per run, however many pages say it. */
  private note(source: SourceConfig, run: Run, text: string): void {
    let seen = this.notes.get(run)
    if (!seen) this.notes.set(run, (seen = new Set()))
    if (seen.has(text)) return
    seen.add(text)
    this.deps.log?.(`[${this.deps.clock.now().toISOString()}] connector ${source.system} (${run.mode}, run ${run.run_id}): ${describe(text, source.connector)}`)
  }

  /** Sends a group of pages as one batch, then saves what they taught and the cursor after them. */
  private async commitGroup(source: SourceConfig, run: Run, entity: EntityName, mapping: Mapping, keys: KeyBook, group: Group, snapshot: SnapshotPart | null): Promise<void> {
    // A server whose lease another took over (it stalled past the lease's life) writes no more.
    await this.leaseOf(source.system).check()
    if (!mapping.lookup_only && (group.lines.length > 0 || snapshot)) {
      const result = await sendBatch(this.deps.db, source, run, entity, group.lines, snapshot)
      // A group read again (an overlap, a rerun after a crash) is a duplicate: nothing new stored.
      if (!result.duplicate) {
        run.records += result.accepted
        run.rejected += result.rejected
        this.deps.onIngested?.(source.system, entity)
      }
    }
    await keys.flush()
    if (group.state) {
      await saveState(this.deps.db, source.system, entity, group.state, run.run_id, this.deps.clock.now())
      run.cursor[entity] = group.state
    }
    const ended = this.deps.clock.now()
    for (const p of group.pages) {
      run.pages++
      await collectSpan(this.deps.spans, run, { entity, page: run.pages, records: p.records, url: p.url, started: p.started, ended }, null)
    }
    await saveRun(this.deps.db, run, ended)
  }

}

/**
 * The entities a source pulls: every one its type reads, in reference order. `entities` in the
 * config overrides how some are read (fields, source, lookup_only); it does not narrow the list:
 * CONTRACT §8's own example overrides only Salesforce opportunities, whose account_key refers to
 * accounts that must still be read. An entity the type cannot read is an error in words.
 */
function entitiesOf(readable: string[], c: ConnectorConfig): string[] {
  // A type may read more than it feeds (Harvest clients); it pulls what ships a mapping.
  const shipped = new Set(shippedMappings().filter((m) => m.type === c.type).map((m) => m.entity as string))
  const supported = readable.filter((e) => shipped.has(e))
  const bad = Object.keys(c.entities ?? {}).filter((e) => !supported.includes(e))
  if (bad.length) throw new Error(`connector.entities: ${c.type} cannot read ${bad.join(', ')} (it reads ${supported.join(', ')})`)
  return [...supported].sort((a, b) => ORDER.indexOf(a as EntityName) - ORDER.indexOf(b as EntityName))
}

/** The framework resolves paths against base_url; Workday has only a report_url (its origin serves). */
function frameworkConfig(c: ConnectorConfig): FrameworkConfig {
  const base = c.base_url ?? (c.report_url ? new URL(c.report_url).origin : undefined)
  if (!base) throw new Error(`connector.base_url is not set (the tenant's root, e.g. https://acme.example.com)`)
  return { ...c, base_url: base } as FrameworkConfig
}

/**
 * An error in words, with no stack and no secret: the framework's messages name URLs, not
 * tokens, and any secret of the connector's auth that a vendor echoed back is masked anyway.
 */
function describe(e: unknown, c?: ConnectorConfig): string {
  let msg = (e instanceof Error ? e.message : String(e)).split('\n')[0]
  for (const [field, value] of Object.entries(c?.auth ?? {})) {
    if (SECRET_FIELDS.has(field) && typeof value === 'string' && value.length >= 4) msg = msg.split(value).join('***')
  }
  return msg.slice(0, 500)
}

const SECRET_FIELDS = new Set(['client_secret', 'consumer_secret', 'token_secret', 'password', 'token'])
