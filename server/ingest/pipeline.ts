// One ingest request, end to end: stream records, validate, write in chunks, send rejects to
// the dead-letter store, delete what a full snapshot no longer holds, then commit the batch.
// Until the commit (the batches row) nothing of the request is visible, so a failure at any
// point leaves no half-written batch; after it, everything acknowledged is on disk.
import crypto from 'node:crypto'
import type { Db } from '../db/client.ts'
import { bulkInsert } from '../db/query.ts'
import { LineBuffer, LineBufferPool } from '../db/line-buffer.ts'
import type { EntityName, SourceKind } from '../model/entities.ts'
import { arrivalMicros, microsToCh } from '../lib/time.ts'
import { commitBatch, findBatch, inSnapshotTurn, snapshotState, writeSnapshotTombstones, type BatchRow } from './batches.ts'
import type { RawRecord } from './records.ts'
import { codecFor, insertColumns, type Codec, type Encoded } from './row-codec.ts'
import { KeyedSerial } from '../lib/serial.ts'
import { AppError, badRequest } from '../lib/errors.ts'
import { DATETIME_OUT_OF_RANGE, inDatetimeRange } from '../model/check.ts'
import { Rejects } from './rejects.ts'
import { redactEngineError } from './redact.ts'
import { COMMIT_HORIZON_MS, openBatches } from './uncommitted.ts'
import { metricsOf } from '../observability/metrics.ts'

export interface BatchRequest {
  system: string
  kind: SourceKind
  entity: EntityName
  batchId: string
  mode: 'delta' | 'full'
  observedAt: string // ClickHouse UTC text
  snapshotId: string | null
  part: number | null
  last: boolean
  source: 'api' | 'replay' | 'demo' | 'connector'
}

export interface BatchResult {
  batch: string
  accepted: number
  rejected: number
  duplicate: boolean
  errors: Array<{ line: number; field: string; message: string }>
  deleted?: number
  snapshot?: { id: string; parts: number; complete: boolean }
}

const CHUNK_ROWS = 25_000
/** Formatted rows of the requests in flight: normally at most 4 chunks (~6 MB each) at a time. */
const chunkBuffers = new LineBufferPool(4, 8 << 20)

// Same (system, batch) in flight twice: the second waits and then answers duplicate.
const inFlight = new KeyedSerial()

/** Ingest requests streaming now (or waiting on one): background work waits for a lull. */
export const ingestsInProgress = () => inFlight.size

export function ingestBatch(db: Db, req: BatchRequest, records: AsyncIterable<RawRecord[]>): Promise<BatchResult> {
  const t0 = performance.now()
  return inFlight.run(`${req.system}\u0000${req.batchId}\u0000${req.part ?? 0}`, () => runBatch(db, req, records))
    .then((r) => (metricsOf(db)?.ingested(req.system, req.entity, r, (performance.now() - t0) / 1000), r))
}

async function runBatch(db: Db, req: BatchRequest, records: AsyncIterable<RawRecord[]>): Promise<BatchResult> {
  // Checked before anything is written: the engine would fail the whole batch on it (years past
  // 9999 or before 0000), or store another time without a word.
  if (!inDatetimeRange(req.observedAt)) throw badRequest('bad_parameter', `observed_at ${DATETIME_OUT_OF_RANGE.message}.`)
  const prior = await findBatch(db, req.system, req.batchId, req.part)
  if (prior) {
    // Drain the body so the client sees a normal answer, but write nothing.
    for await (const _ of records);
    return { batch: req.batchId, accepted: prior.accepted, rejected: prior.rejected, duplicate: true, errors: [] }
  }
  const batchUid = crypto.randomUUID()
  // Open before its received_at is taken: the cleanup of uncommitted batches spares it.
  openBatches.add(batchUid)
  try {
    return await writeAndCommit(db, req, batchUid, records)
  } catch (e) {
    throw redactEngineError(e)
  } finally {
    openBatches.delete(batchUid)
  }
}

async function writeAndCommit(db: Db, req: BatchRequest, batchUid: string, records: AsyncIterable<RawRecord[]>): Promise<BatchResult> {
  const started = Date.now()
  const receivedAt = microsToCh(arrivalMicros())
  const { accepted, rejected, errors } = await writeRecords(db, req, batchUid, receivedAt, records)
  const batch: BatchRow = {
    batch_uid: batchUid,
    system: req.system,
    entity: req.entity,
    batch_id: req.batchId,
    mode: req.mode,
    snapshot_id: req.mode === 'full' ? (req.snapshotId ?? batchUid) : null,
    part: req.part,
    last_part: req.mode === 'full' && (req.snapshotId === null || req.last),
    observed_at: req.observedAt,
    received_at: receivedAt,
    accepted,
    rejected,
    deleted: 0,
    source: req.source,
  }
  const result: BatchResult = { batch: req.batchId, accepted, rejected, duplicate: false, errors }
  // Past the horizon the cleanup of uncommitted batches on a shared engine may have begun on it.
  if (Date.now() - started > COMMIT_HORIZON_MS)
    throw new AppError(503, 'batch_expired', 'The batch took longer than 6 hours to arrive; nothing of it was written. Send it again, in smaller batches.', undefined, { 'Retry-After': '5' })
  const commit = () => commitRequest(db, req, batch, result)
  if (req.mode === 'full' && req.snapshotId) await inSnapshotTurn(req.system, req.entity, req.snapshotId, commit)
  else await commit()
  return result
}

/** Validates and writes every record of the body (uncommitted: invisible until the batch row). */
async function writeRecords(db: Db, req: BatchRequest, batchUid: string, receivedAt: string, records: AsyncIterable<RawRecord[]>) {
  const table = `entity_${req.entity}`
  const codec = codecFor(req.entity)
  const columns = insertColumns(req.entity)
  const head = `${req.system}\t${req.kind}\t`
  const tail = `\t${req.observedAt}\t${receivedAt}\t`

  let rows: LineBuffer | null = await chunkBuffers.acquire()
  const rejects = new Rejects(db, { system: req.system, entity: req.entity, batchId: req.batchId, batchUid, observedAt: req.observedAt, receivedAt })
  let accepted = 0
  let writing: Promise<void> = Promise.resolve()

  // One chunk insert in flight while the next chunk is parsed: the engine and the validator
  // work on different cores. `last`: the body has ended, so what is left goes out and no
  // buffer is taken for more.
  const flush = async (last = false) => {
    if (rows && (rows.lines >= CHUNK_ROWS || (last && rows.lines))) {
      const chunk: LineBuffer = rows
      await writing // a failure here leaves `chunk` in `rows`, released below
      rows = null
      writing = bulkInsert(db, table, columns, chunk.bytes()).finally(() => chunkBuffers.release(chunk))
      // Awaited at the next flush (or never, when the body fails first). Until then a failed
      // write must not count as an unhandled rejection: Node would end the whole server. So
      // this comes before anything else is awaited.
      writing.catch(() => {})
      if (!last) rows = await chunkBuffers.acquire()
    }
    if (last) await rejects.finish()
    else if (rejects.full) await rejects.flush()
  }

  try {
    for await (const recs of records) for (const rec of recs) {
      const v = encodeRecord(codec, rec)
      if (v.ok) {
        rows!.push(head + v.values + tail + rec.line + '\t' + batchUid)
        accepted++
      } else rejects.add(rec, v)
      if (rows!.lines >= CHUNK_ROWS || rejects.full) await flush()
    }
    await flush(true)
    await writing
  } finally {
    if (rows) chunkBuffers.release(rows)
  }
  return { accepted, rejected: rejects.count, errors: rejects.errors }
}

/** A record's row, or why not: whatever one line holds, it fails that line only. */
function encodeRecord(codec: Codec, rec: RawRecord): Encoded {
  if (rec.error) return { ok: false, key: rec.key ?? null, reason: rec.error, errors: [{ field: rec.field ?? '', message: rec.error }] }
  try {
    return codec.encode(rec.text)
  } catch (e) {
    const message = `could not be read (${(e as Error)?.message ?? e})`
    return { ok: false, key: null, reason: message, errors: [{ field: '', message }] }
  }
}

/** The commit: for a full snapshot that is now complete, tombstones for what it no longer holds first. */
async function commitRequest(db: Db, req: BatchRequest, batch: BatchRow, result: BatchResult): Promise<void> {
  let minObserved = req.observedAt
  if (req.mode === 'full') {
    const snap = req.snapshotId
      ? await snapshotState(db, req.system, req.entity, req.snapshotId, batch)
      : { parts: 1, complete: true, uids: [batch.batch_uid], observedAt: req.observedAt }
    if (snap.complete) {
      minObserved = snap.observedAt < minObserved ? snap.observedAt : minObserved
      batch.deleted = await writeSnapshotTombstones(db, {
        table: `entity_${req.entity}`,
        system: req.system,
        kind: req.kind,
        observedAt: snap.observedAt,
        receivedAt: batch.received_at,
        batchUid: batch.batch_uid,
        snapshotUids: snap.uids,
      })
    }
    result.deleted = batch.deleted
    if (req.snapshotId) result.snapshot = { id: req.snapshotId, parts: snap.parts, complete: snap.complete }
  }
  await commitBatch(db, batch, minObserved)
}
