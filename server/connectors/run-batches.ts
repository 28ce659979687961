// The batches of a connector run: a page's native records mapped to ingest lines, pages grouped
// into one batch each (a page is never split), and records that waited for a reference's target
// sent again once it is known.
import crypto from 'node:crypto'
import type { Db } from '../db/client.ts'
import type { Clock } from '../lib/clock.ts'
import { toChDateTime } from '../lib/time.ts'
import type { EntityName, SourceKind } from '../model/entities.ts'
import type { SourceConfig } from '../config/schema.ts'
import { ingestBatch, type BatchResult } from '../ingest/pipeline.ts'
import type { RawRecord } from '../ingest/records.ts'
import { command } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import type { CursorState, Page } from '../../ingest/connectors/framework/index.ts'
import { loadMapping, mapRecord, mergeMapping, type Mapping } from '../../ingest/connectors/mapping/index.ts'
import type { KeyBook } from './keys.ts'
import type { Run } from './runs.ts'

/** Records sent to the engine as one batch (several pages); a page is never split. */
export const GROUP_ROWS = 10_000

export interface Group {
  lines: RawRecord[]
  pages: Array<{ records: number; url: string; started: Date }>
  full: boolean
  state: CursorState | null
}

export const emptyGroup = (): Group => ({ lines: [], pages: [], full: false, state: null })

/** One part of a full listing sent by a run. */
export interface SnapshotPart {
  snapshotId: string
  part: number
  last: boolean
}

/** A page's records as ingest lines; a mapping failure is a line rejected with its reason. */
export async function mapPage(entity: EntityName, mapping: Mapping, page: Page, keys: KeyBook, ctx: { format?: string }): Promise<RawRecord[]> {
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
  return lines
}

/** One page as one batch; its id is a digest of its content, so a page read again is a duplicate. */
export function sendBatch(db: Db, source: SourceConfig, run: Run, entity: EntityName, lines: RawRecord[], snapshot: SnapshotPart | null): Promise<BatchResult> {
  const digest = crypto.createHash('sha256').update(`${source.system}\u0000${entity}\u0000${snapshot?.snapshotId ?? ''}\u0000`)
  for (const l of lines) digest.update(l.text).update('\n')
  return ingestBatch(
    db,
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
export async function resendResolved(db: Db, clock: Clock, source: SourceConfig, run: Run, keys: KeyBook): Promise<{ records: number; rejected: number }> {
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
    const r = await sendBatch(db, source, run, entity as EntityName, lines, null)
    if (!r.duplicate) {
      out.records += r.accepted
      out.rejected += r.rejected
    }
    const landed = recordKeys.filter((k, i) => k && !r.errors.some((e) => e.line === i + 1))
    await markResolved(db, source.system, entity, landed, r.batch, clock.now())
    await keys.resolved(entity, resolved)
  }
  return out
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
