// The batches ledger: idempotency lookups, commits, and multi-part full snapshots.
import type { Db } from '../db/client.ts'
import { command, insertRows, queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { KeyedSerial } from '../lib/serial.ts'

export interface BatchRow {
  batch_uid: string
  system: string
  entity: string
  batch_id: string
  mode: 'delta' | 'full'
  snapshot_id: string | null
  part: number | null
  last_part: boolean
  observed_at: string
  received_at: string
  accepted: number
  rejected: number
  deleted: number
  source: string
}

export async function findBatch(db: Db, system: string, batchId: string, part: number | null): Promise<BatchRow | null> {
  const rows = await queryRows<BatchRow>(
    db,
    'ingest.find_batch',
    sqlFile('ingest/find_batch.sql'),
    { system, batch_id: batchId, part: part ?? 0 },
  )
  return rows[0] ? { ...rows[0], accepted: Number(rows[0].accepted), rejected: Number(rows[0].rejected), deleted: Number(rows[0].deleted) } : null
}

/** Runs after each batch commits (derived tables, read caches); never fails the commit. */
export type CommitHook = (row: BatchRow, minObserved: string) => Promise<void>

const commitHooks = new WeakMap<Db, CommitHook[]>()

export function onCommit(db: Db, hook: CommitHook): void {
  commitHooks.set(db, [...(commitHooks.get(db) ?? []), hook])
}

/**
 * Makes a batch's rows visible: the last write of an ingest request. `minObserved` is the
 * earliest observed_at among its rows (a complete full snapshot's deletions carry its first
 * part's). The hooks run before the request is answered, so the next read sees the batch.
 */
export async function commitBatch(db: Db, row: BatchRow, minObserved = row.observed_at): Promise<void> {
  await insertRows(db, 'batches', [row])
  for (const hook of commitHooks.get(db) ?? []) await hook(row, minObserved)
}

export interface SnapshotState {
  parts: number
  complete: boolean
  uids: string[]
  observedAt: string
}

/**
 * A full snapshot is complete once its last part and every part numbered before it have landed
 * (parts may arrive in any order). `pending` is the part being committed now.
 */
export async function snapshotState(db: Db, system: string, entity: string, snapshotId: string, pending: BatchRow): Promise<SnapshotState> {
  const rows = await queryRows<{ batch_uid: string; part: number | null; last_part: boolean; observed_at: string }>(
    db,
    'ingest.snapshot_parts',
    sqlFile('ingest/snapshot_parts.sql'),
    { system, entity, snapshot: snapshotId },
  )
  const all = [...rows, pending]
  const parts = new Set(all.map((r) => Number(r.part ?? 0)))
  const last = all.find((r) => r.last_part)
  const lastPart = last ? Number(last.part ?? 0) : -1
  // Parts are numbered from 1 (a part 0, as the CLI sends first, counts when present): every part
  // from 1 to the last must be here. Starting from the lowest part seen instead would take a
  // last part that arrived first for a complete snapshot and delete what the other parts hold.
  const complete = last !== undefined && Array.from({ length: lastPart }, (_, i) => i + 1).every((p) => parts.has(p))
  // Running the deletion again (a last part re-sent under a new batch id) changes nothing:
  // keys already tombstoned are skipped.
  return {
    parts: parts.size,
    complete,
    uids: all.map((r) => r.batch_uid),
    // Deletions are as of the earliest part: a delta observed during the snapshot stays.
    observedAt: all.map((r) => r.observed_at).sort()[0],
  }
}

const snapshotTurns = new KeyedSerial()

/**
 * Runs `fn` (a part's completeness check, deletions and commit) after every other part of the
 * same snapshot that is committing in this process: parts sent at the same time would otherwise
 * each see the other as missing, and the snapshot would never complete.
 */
export function inSnapshotTurn<T>(system: string, entity: string, snapshotId: string, fn: () => Promise<T>): Promise<T> {
  return snapshotTurns.run(`${system}\u0000${entity}\u0000${snapshotId}`, fn)
}

/**
 * Tombstones every key of (system, entity) that the snapshot does not hold and whose winning
 * version is older than the snapshot; returns how many.
 */
export async function writeSnapshotTombstones(
  db: Db,
  p: { table: string; system: string; kind: string; observedAt: string; receivedAt: string; batchUid: string; snapshotUids: string[] },
): Promise<number> {
  await command(db, 'ingest.full_snapshot_tombstones', sqlFile('ingest/full_snapshot_tombstones.sql'), {
    table: p.table,
    system: p.system,
    kind: p.kind,
    observed_at: p.observedAt,
    received_at: p.receivedAt,
    batch_uid: p.batchUid,
    snapshot_uids: p.snapshotUids,
  })
  const [r] = await queryRows<{ n: string }>(
    db,
    'ingest.count_tombstones',
    sqlFile('ingest/count_tombstones.sql'),
    { table: p.table, batch_uid: p.batchUid },
  )
  return Number(r.n)
}
