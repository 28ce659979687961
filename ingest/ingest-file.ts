// `crosswalk ingest FILE`: streams an NDJSON or JSON-array file (optionally .gz) to the API in
// batches. A batch id is a digest of its content, so re-running the same delta file is a no-op
// on the server. A full snapshot is sent as one multi-part snapshot; deletions happen when its
// last part lands.
import crypto from 'node:crypto'
import fs from 'node:fs'
import { createGunzip } from 'node:zlib'
import { jsonArrayRecords, ndjsonRecords } from '../server/ingest/records.ts'
import { sendBatch, type SendResult } from './client.ts'
import { Progress } from './progress.ts'

export interface IngestFileOptions {
  file: string
  server: string
  token: string
  system: string
  entity: string
  mode: 'delta' | 'full'
  observedAt?: string
  batchRows?: number
  onRetry?: (attempt: number, why: string) => void
}

export interface IngestFileSummary {
  rows: number
  accepted: number
  rejected: number
  duplicates: number
  batches: number
  deleted: number
  seconds: number
  errors: Array<{ batch: number; line: number /* in the file */; field: string; message: string }>
}

export async function ingestFile(o: IngestFileOptions): Promise<IngestFileSummary> {
  const size = fs.statSync(o.file).size
  const progress = new Progress(size)
  let bytesRead = 0
  const raw = fs.createReadStream(o.file, { highWaterMark: 1 << 20 })
  raw.on('data', (c) => (bytesRead += (c as Buffer).length))
  const gz = o.file.endsWith('.gz')
  const stream = gz ? raw.pipe(createGunzip()) : raw
  const isJson = /\.json(\.gz)?$/i.test(o.file)
  const records = isJson ? jsonArrayRecords(stream as AsyncIterable<Buffer>) : ndjsonRecords(stream as AsyncIterable<Buffer>)

  const batchRows = o.batchRows ?? 50_000
  const observedAt = o.observedAt ?? new Date().toISOString()
  const snapshot = o.mode === 'full' ? crypto.randomUUID() : undefined
  const sum: IngestFileSummary = { rows: 0, accepted: 0, rejected: 0, duplicates: 0, batches: 0, deleted: 0, seconds: 0, errors: [] }

  let lines: string[] = []
  let lineNos: number[] = [] // file line of each line of the batch, for error reports
  let part = 0
  const send = async (last: boolean) => {
    const body = lines.join('\n') + '\n'
    const batch = crypto.createHash('sha256').update(`${o.system}\n${o.entity}\n${o.mode}\n${snapshot ?? ''}\n${part}\n`).update(body).digest('hex').slice(0, 32)
    const r: SendResult = await sendBatch({
      server: o.server, token: o.token, system: o.system, entity: o.entity, mode: o.mode, batch, observedAt,
      snapshot, part: snapshot ? part : undefined, last: snapshot ? last : undefined, body, onRetry: o.onRetry,
    })
    sum.batches++
    sum.accepted += r.accepted
    sum.rejected += r.rejected
    sum.deleted += r.deleted ?? 0
    if (r.duplicate) sum.duplicates++
    for (const e of r.errors) if (sum.errors.length < 100) sum.errors.push({ batch: part, ...e, line: lineNos[e.line - 1] ?? e.line })
    part++
    lines = []
    lineNos = []
  }
  for await (const recs of records) for (const rec of recs) {
    lines.push(rec.text)
    lineNos.push(rec.line)
    sum.rows++
    if (lines.length >= batchRows) {
      await send(false)
      progress.update(sum.rows, bytesRead)
    }
  }
  // The last part is sent even when empty: it carries last=true for a full snapshot.
  if (lines.length || snapshot || sum.batches === 0) await send(true)
  progress.update(sum.rows, size, true)
  progress.done()
  sum.seconds = progress.elapsed()
  return sum
}
