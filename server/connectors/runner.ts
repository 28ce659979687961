// Pulls a source through its connector (CONTRACT §8): each page read is mapped, its references
// resolved, and sent through the same ingest pipeline as §3 as one batch; its cursor is saved
// only after that batch commits. One run per source at a time; every run is recorded.
import crypto from 'node:crypto'
import type { Db } from '../db/client.ts'
import type { Clock } from '../lib/clock.ts'
import { toChDateTime } from '../lib/time.ts'
import type { EntityName, SourceKind } from '../model/entities.ts'
import type { SourceConfig } from '../config/schema.ts'
import { ingestBatch, type BatchResult } from '../ingest/pipeline.ts'
import type { RawRecord } from '../ingest/records.ts'
import { KeyedSerial } from '../lib/serial.ts'
import { command } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { connectorType } from '../../ingest/connectors/types/index.ts'
import { BudgetExhausted, openSource, type ConnectorConfig as FrameworkConfig, type CursorState, type Page } from '../../ingest/connectors/framework/index.ts'
import { columnsOf, loadMapping, mapRecord, mergeMapping, shippedMappings, type Mapping } from '../../ingest/connectors/mapping/index.ts'
import type { ConnectorConfig } from './config.ts'
import { KeyBook } from './keys.ts'
import { metricsOf } from '../observability/metrics.ts'
import { collectSpan, type SpanSink } from './spans.ts'
import { loadState, newRun, saveRun, saveState, type Run, type RunMode } from './runs.ts'
import type { Lease } from '../db/lease.ts'
import { SourceLeases } from './run-lease.ts'

/** Targets before what refers to them, so references resolve within one run. */
const ORDER: EntityName[] = ['account', 'resource', 'project', 'opportunity', 'rate_card', 'assignment', 'invoice', 'time_entry', 'expense'] as EntityName[]

/** Records sent to the engine as one batch (several pages); a page is never split. */
const GROUP_ROWS = 10_000

interface Group {
  lines: RawRecord[]
  pages: Array<{ records: number; url: string; started: Date }>
  full: boolean
  state: CursorState | null
}

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
    const t = await this.resendResolved(source, run, keys)
    run.records += t.records
    run.rejected += t.rejected
  }

  /** Counts go straight onto the run, saved after every page so its progress can be watched. */
  private async pullEntity(source: SourceConfig, run: Run, entity: EntityName, mapping: Mapping, pages: AsyncIterable<Page>, keys: KeyBook): Promise<void> {
    const snapshotId = `${run.run_id}.${entity}`
    const ctx = { format: source.connector!.date_format }
    let part = 0
    let group: Group = { lines: [], pages: [], full: false, state: null }
    for await (const page of pages) {
      if (page.info.note) this.note(source, run, page.info.note)
      const started = this.deps.clock.now()
      for (const l of await this.mapPage(source.system, entity, mapping, page, keys, ctx)) group.lines.push({ ...l, line: group.lines.length + 1 })
      group.pages.push({ records: page.records.length, url: page.info.url, started })
      group.full ||= Boolean(page.full)
      if (page.state) group.state = page.state
      // Pages go to the engine in groups: one batch per page would pay a commit per 200 records.
      if (!page.last && group.lines.length < (source.connector!.batch_records ?? GROUP_ROWS)) continue
      await this.commitGroup(source, run, entity, mapping, keys, group, group.full ? { snapshotId, part: ++part, last: page.last } : null)
      group = { lines: [], pages: [], full: false, state: null }
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
  private async commitGroup(source: SourceConfig, run: Run, entity: EntityName, mapping: Mapping, keys: KeyBook, group: Group, snapshot: { snapshotId: string; part: number; last: boolean } | null): Promise<void> {
    // A server whose lease another took over (it stalled past the lease's life) writes no more.
    await this.leaseOf(source.system).check()
    if (!mapping.lookup_only && (group.lines.length > 0 || snapshot)) {
      const result = await this.send(source, run, entity, group.lines, snapshot)
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

  /** A page's records as ingest lines; a mapping failure is a line rejected with its reason. */
  private async mapPage(system: string, entity: EntityName, mapping: Mapping, page: Page, keys: KeyBook, ctx: { format?: string }): Promise<RawRecord[]> {
    const lines: RawRecord[] = []
    let line = 0
    for (const native of page.records) {
      line++
      const m = mapRecord(mapping, native, ctx)
      if (!m.ok) {
        // The engine's message already names the field (`hire_date ← Start_Date: … is not a date`).
        // Its key, when it can still be read, keeps it present in a full listing (CONTRACT §3).
        lines.push({ line, text: JSON.stringify(native), error: m.message.startsWith(m.field) ? m.message : `${m.field}: ${m.message}`, field: m.field, key: keyOf(mapping, native, ctx) })
        continue
      }
      const record = { ...m.record }
      if (typeof record.key === 'string' && record.key) keys.remember(entity, m.nativeId, record.key)
      let waiting = false
      for (const ref of m.refs) {
        const key = await keys.lookup(ref.entity, ref.nativeId)
        // A target not read yet counts as missing, never as its native id; re-sent once it is in.
        if (key === undefined) {
          delete record[ref.field]
          waiting = true
        } else record[ref.field] = key
      }
      if (waiting) keys.wait(entity, m.nativeId, native)
      else if (m.refs.length) await keys.complete(entity, m.nativeId)
      lines.push({ line, text: JSON.stringify(record) })
    }
    for (const id of page.deletedIds ?? []) {
      const key = await keys.lookup(entity, id)
      // A deletion of a record never read is nothing to delete.
      if (key !== undefined) lines.push({ line: ++line, text: JSON.stringify({ key, native_id: id, deleted: true }) })
    }
    void system
    return lines
  }

  /** One page as one batch; its id is a digest of its content, so a page read again is a duplicate. */
  private send(source: SourceConfig, run: Run, entity: EntityName, lines: RawRecord[], snapshot: { snapshotId: string; part: number; last: boolean } | null): Promise<BatchResult> {
    const digest = crypto.createHash('sha256').update(`${source.system}\u0000${entity}\u0000${snapshot?.snapshotId ?? ''}\u0000`)
    for (const l of lines) digest.update(l.text).update('\n')
    return ingestBatch(
      this.deps.db,
      {
        system: source.system,
        kind: source.kind as SourceKind,
        entity,
        batchId: `pull-${digest.digest('hex').slice(0, 40)}`,
        mode: snapshot ? 'full' : 'delta',
        observedAt: toChDateTime(new Date(run.started_at)),
        snapshotId: snapshot?.snapshotId ?? null,
        part: snapshot?.part ?? null,
        last: snapshot?.last ?? true,
        source: 'connector',
      },
      (async function* () {
        yield lines
      })(),
    )
  }

  /** Records that waited for a reference's target, re-sent now that it is known. */
  private async resendResolved(source: SourceConfig, run: Run, keys: KeyBook): Promise<{ records: number; rejected: number }> {
    const out = { records: 0, rejected: 0 }
    const c = source.connector!
    for (const [entity, items] of await keys.waiting()) {
      const mapping = mergeMapping(loadMapping(c.type, entity as EntityName), c.entities?.[entity] ?? {}, `connector.entities.${entity}`)
      const lines: RawRecord[] = []
      const resolved: string[] = []
      const recordKeys: string[] = []
      for (const { nativeId, native } of items) {
        const m = mapRecord(mapping, native, { format: c.date_format })
        if (!m.ok) continue
        const record = { ...m.record }
        let all = true
        for (const ref of m.refs) {
          const key = await keys.lookup(ref.entity, ref.nativeId)
          if (key === undefined) all = false
          else record[ref.field] = key
        }
        if (!all) continue
        lines.push({ line: lines.length + 1, text: JSON.stringify(record) })
        recordKeys.push(typeof record.key === 'string' ? record.key : '')
        resolved.push(nativeId)
      }
      if (lines.length === 0) continue
      const r = await this.send(source, run, entity as EntityName, lines, null)
      if (!r.duplicate) {
        out.records += r.accepted
        out.rejected += r.rejected
      }
      const landed = recordKeys.filter((k, i) => k && !r.errors.some((e) => e.line === i + 1))
      await markResolved(this.deps.db, source.system, entity, landed, r.batch, this.deps.clock.now())
      await keys.resolved(entity, resolved)
    }
    return out
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

const keyOnly = new WeakMap<Mapping, Mapping>()

/** The key of a native record whose mapping failed on another field, if the key itself maps. */
function keyOf(mapping: Mapping, native: unknown, ctx: { format?: string }): string | undefined {
  let m = keyOnly.get(mapping)
  if (!m) keyOnly.set(mapping, (m = { ...mapping, fields: mapping.fields.key === undefined ? {} : { key: mapping.fields.key } }))
  const r = mapRecord(m, native, ctx)
  return r.ok && typeof r.record.key === 'string' && r.record.key ? r.record.key : undefined
}

/** Dead letters of records that waited for a reference and have now landed stop showing as pending. */
async function markResolved(db: Db, system: string, entity: string, keys: string[], batch: string, at: Date): Promise<void> {
  if (keys.length === 0) return
  await command(db, 'connectors.resolve_dead_letters', sqlFile('connectors/resolve-dead-letters.sql'), { system, entity, keys, batch, at: toChDateTime(at) })
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
