// The dead-letter store: rejected lines listed, fixed and replayed. Replays are recorded as
// append-only outcomes; a fixed line lands as a new batch observed at its original time, so a
// replay never overrides data observed after it.
import crypto from 'node:crypto'
import type { Db } from '../db/client.ts'
import { insertRows, queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import type { Config } from '../config/schema.ts'
import { isEntityName } from '../model/entities.ts'
import { arrivalMicros, chToIso, microsToCh } from '../lib/time.ts'
import { ingestBatch } from './pipeline.ts'
import { validateRecord } from './validate.ts'
import { parseEvent } from '../traces/events.ts'
import { ingestEvents } from '../traces/ingest-events.ts'

export interface DeadLetterFilter {
  system?: string
  entity?: string
  batch?: string
  status: 'pending' | 'replayed' | 'all'
  ids?: string[]
  limit: number
  cursor?: [string, string] | null
}

interface Row {
  id: string
  system: string
  entity: string
  batch: string
  line: string
  key: string | null
  raw: string
  reason: string
  errors: string
  observed_at: string
  received_at: string
  replayed: boolean | null
  last_replay_at: string | null
  last_replay_error: string | null
}

export async function listDeadLetters(db: Db, f: DeadLetterFilter) {
  const rows = await queryRows<Row>(db, 'dead_letters.list', sqlFile('dead_letters/list.sql'), {
    system: f.system ?? '',
    entity: f.entity ?? '',
    batch: f.batch ?? '',
    ids: f.ids ?? [],
    status: f.status,
    has_cursor: Boolean(f.cursor),
    cursor_at: f.cursor?.[0] ?? '1970-01-01 00:00:00',
    cursor_id: f.cursor?.[1] ?? '',
    limit: f.limit + 1,
  }, { join_use_nulls: 1 })
  const page = rows.slice(0, f.limit)
  const lastRow = page[page.length - 1]
  return {
    items: page.map((r) => ({
      id: r.id,
      system: r.system,
      entity: r.entity,
      batch: r.batch,
      line: Number(r.line),
      key: r.key,
      raw: r.raw,
      reason: r.reason,
      errors: JSON.parse(r.errors) as Array<{ field: string; message: string }>,
      // Both columns are never null.
      observed_at: chToIso(r.observed_at) as string,
      received_at: chToIso(r.received_at) as string,
      status: r.replayed ? ('replayed' as const) : ('pending' as const),
      last_replay_at: chToIso(r.last_replay_at),
      last_replay_error: r.replayed ? null : r.last_replay_error || null,
    })),
    next: rows.length > f.limit && lastRow ? ([lastRow.received_at, lastRow.id] as [string, string]) : null,
  }
}

export interface ReplayOutcome {
  id: string
  ok: boolean
  batch?: string
  errors?: Array<{ field: string; message: string }>
}

/** Replays dead letters, each with its stored raw text or a fixed one. */
export async function replayDeadLetters(
  db: Db,
  config: Config,
  items: Array<{ id: string; raw?: string }>,
  actor: string,
): Promise<ReplayOutcome[]> {
  const { items: found } = await listDeadLetters(db, { ids: items.map((i) => i.id), status: 'all', limit: items.length })
  const byId = new Map(found.map((d) => [d.id, d]))
  const outcomes: ReplayOutcome[] = []
  const log: object[] = []
  const replayedAt = microsToCh(arrivalMicros())
  for (const item of items) {
    const d = byId.get(item.id)
    if (!d) {
      outcomes.push({ id: item.id, ok: false, errors: [{ field: '', message: 'no such dead letter' }] })
      continue
    }
    const raw = item.raw ?? d.raw
    const source = config.sources.find((s) => s.system === d.system)
    const v = isEntityName(d.entity)
      ? validateRecord(d.entity, raw)
      : d.entity === 'events'
        ? parseEvent(d.system, raw)
        : { ok: false as const, errors: [{ field: '', message: `unknown entity '${d.entity}'` }] }
    if (!source || !v.ok) {
      const errors = !source ? [{ field: '', message: `source '${d.system}' is no longer configured` }] : !v.ok ? v.errors : []
      outcomes.push({ id: d.id, ok: false, errors })
      log.push({ id: d.id, replayed_at: replayedAt, actor, ok: false, batch_uid: '', raw, reason: errors.map((e) => `${e.field || 'record'}: ${e.message}`).join('; ') })
      continue
    }
    const batchId = `replay-${crypto.randomUUID()}`
    const records = (async function* () {
      yield [{ line: d.line, text: raw }]
    })()
    const observedAt = d.observed_at.replace('T', ' ').replace('Z', '')
    const result =
      d.entity === 'events'
        ? await ingestEvents(db, d.system, batchId, observedAt, records)
        : await ingestBatch(
      db,
      {
        system: d.system,
        kind: source.kind,
        entity: d.entity as never,
        batchId,
        mode: 'delta',
        observedAt,
        snapshotId: null,
        part: null,
        last: false,
        source: 'replay',
      },
      records,
    )
    outcomes.push({ id: d.id, ok: result.accepted === 1, batch: batchId })
    log.push({ id: d.id, replayed_at: replayedAt, actor, ok: result.accepted === 1, batch_uid: batchId, raw, reason: '' })
  }
  await insertRows(db, 'dead_letter_replays', log)
  return outcomes
}
