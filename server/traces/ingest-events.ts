// Step events through the ingest API: each line validated on its own, good ones stored as
// spans, bad ones reported with line and field and kept in the dead-letter store.
import crypto from 'node:crypto'
import type { Db } from '../db/client.ts'
import { insertRows } from '../db/query.ts'
import { arrivalMicros, microsToCh } from '../lib/time.ts'
import type { RawRecord } from '../ingest/records.ts'
import { parseEvent } from './events.ts'
import type { SpanRecord } from './otlp.ts'
import { writeSpans } from './store.ts'

export async function ingestEvents(db: Db, system: string, batchId: string, observedAt: string, records: AsyncIterable<RawRecord[]>) {
  const receivedAt = microsToCh(arrivalMicros())
  const spans: SpanRecord[] = []
  const dead: object[] = []
  const errors: Array<{ line: number; field: string; message: string }> = []
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
      for (const e of r.errors) if (errors.length < 100) errors.push({ line: rec.line, ...e })
      dead.push({
        id: crypto.randomUUID(), system, entity: 'events', batch_id: batchId, batch_uid: '', line: rec.line, key: null, raw: rec.text,
        reason: r.errors.map((e) => `${e.field || 'record'}: ${e.message}`).join('; '), errors: JSON.stringify(r.errors),
        observed_at: observedAt, received_at: receivedAt,
      })
    }
  await flush()
  await insertRows(db, 'dead_letters', dead)
  return { batch: batchId, accepted, rejected: dead.length, duplicate: false, errors }
}
