// Step events through the ingest API: each line validated on its own, good ones stored as
// spans, bad ones reported with line and field and kept in the dead-letter store. Like every
// ingest batch, the request is recorded in the batches ledger: re-sending its batch id answers
// `duplicate: true` and writes nothing, and its dead letters are listed with the batch's.
// (The spans themselves are visible as written: otel_traces is also filled by Collectors, so
// it is not gated on the ledger.)
import crypto from 'node:crypto'
import type { Db } from '../db/client.ts'
import { arrivalMicros, microsToCh } from '../lib/time.ts'
import { commitBatch, findBatch } from '../ingest/batches.ts'
import { Rejects } from '../ingest/rejects.ts'
import type { RawRecord } from '../ingest/records.ts'
import { parseEvent } from './events.ts'
import type { SpanRecord } from './otlp.ts'
import { writeSpans } from './store.ts'

// Same (system, batch) in flight twice: the second waits and then answers duplicate.
const inFlight = new Map<string, Promise<unknown>>()

export async function ingestEvents(db: Db, system: string, batchId: string, observedAt: string, records: AsyncIterable<RawRecord[]>) {
  const lockKey = `${system}\u0000${batchId}`
  while (inFlight.has(lockKey)) await inFlight.get(lockKey)!.catch(() => {})
  const run = runEvents(db, system, batchId, observedAt, records)
  inFlight.set(lockKey, run)
  try {
    return await run
  } finally {
    inFlight.delete(lockKey)
  }
}

async function runEvents(db: Db, system: string, batchId: string, observedAt: string, records: AsyncIterable<RawRecord[]>) {
  const prior = await findBatch(db, system, batchId, null)
  if (prior) {
    for await (const _ of records);
    return { batch: batchId, accepted: prior.accepted, rejected: prior.rejected, duplicate: true, errors: [] }
  }
  const batchUid = crypto.randomUUID()
  const receivedAt = microsToCh(arrivalMicros())
  const spans: SpanRecord[] = []
  // Capped and written in chunks as on every ingest path: a few KB of gzip can be a million bad lines.
  const rejects = new Rejects(db, { system, entity: 'events', batchId, batchUid, observedAt, receivedAt })
  let accepted = 0
  const flush = async () => {
    await writeSpans(db, spans.splice(0))
  }
  for await (const recs of records)
    for (const rec of recs) {
      const r = rec.error ? { ok: false as const, errors: [{ field: '', message: rec.error }] } : parseEvent(system, rec.text)
      if (r.ok) {
        spans.push(r.span)
        accepted++
        if (spans.length >= 50_000) await flush()
        continue
      }
      rejects.add(rec, { ok: false, key: null, reason: r.errors.map((e) => `${e.field || 'record'}: ${e.message}`).join('; '), errors: r.errors })
      if (rejects.full) await rejects.flush()
    }
  await flush()
  await rejects.finish()
  await commitBatch(db, {
    batch_uid: batchUid, system, entity: 'events', batch_id: batchId, mode: 'delta', snapshot_id: null, part: null, last_part: false,
    observed_at: observedAt, received_at: receivedAt, accepted, rejected: rejects.count, deleted: 0, source: 'api',
  })
  return { batch: batchId, accepted, rejected: rejects.count, duplicate: false, errors: rejects.errors }
}
