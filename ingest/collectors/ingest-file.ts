// `crosswalk ingest FILE`: streams an NDJSON or JSON-array file (optionally .gz) to the API in
// batches. A batch id is a digest of its content, so re-running the same file is a no-op on the
// server. A full snapshot is sent as one multi-part snapshot whose id is the digest of the whole
// file (read once before sending), so its parts' ids are the same on every run too; deletions
// happen when its last part lands.
import crypto from 'node:crypto'
import fs from 'node:fs'
import { createGunzip } from 'node:zlib'
import { jsonArrayBatches, ndjsonBatches, type FileBatch } from './file-batches.ts'
import { sendBatch } from './client.ts'
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
  /** Batches in flight at once (default 4): the next one is read while the server works. */
  concurrency?: number
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

const MAX_ERRORS = 100

export async function ingestFile(o: IngestFileOptions): Promise<IngestFileSummary> {
  const size = fs.statSync(o.file).size
  // Read before the stream below opens: its 'data' listener starts it flowing at once.
  const snapshot = o.mode === 'full' ? await contentDigest([o.file], `${o.system}\n${o.entity}\n${o.batchRows ?? 50_000}`) : undefined
  const progress = new Progress(size)
  let bytesRead = 0
  const raw = fs.createReadStream(o.file, { highWaterMark: 1 << 20 })
  raw.on('data', (c) => (bytesRead += (c as Buffer).length))
  const stream = (o.file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw) as AsyncIterable<Buffer>
  const batchRows = o.batchRows ?? 50_000
  const batches = /\.json(\.gz)?$/i.test(o.file) ? jsonArrayBatches(stream, batchRows) : ndjsonBatches(stream, batchRows)
  let sum: IngestFileSummary
  try {
    sum = await sendBatches(batches, { ...o, snapshot, onSent: (s) => progress.update(s.rows, bytesRead) })
  } catch (e) {
    raw.destroy()
    throw e
  }
  progress.update(sum.rows, size, true)
  progress.done()
  sum.seconds = progress.elapsed()
  return sum
}

export interface SendBatchesOptions {
  server: string
  token: string
  system: string
  entity: string
  mode: 'delta' | 'full'
  observedAt?: string
  /** Batches in flight at once (default 4): the next one is read while the server works. */
  concurrency?: number
  onRetry?: (attempt: number, why: string) => void
  /** mode=full: the snapshot's id, derived from what is sent (contentDigest); random without. */
  snapshot?: string
  /** After each batch's answer, with the running totals. */
  onSent?: (sum: IngestFileSummary) => void
}

/**
 * Sends batches as they are read, up to `concurrency` in flight: reading waits while the server
 * is behind, so a file of any size holds only that many batches. A full snapshot's batches are
 * the parts of one snapshot; the last is sent even when empty, as it carries last=true.
 */
export async function sendBatches(batches: AsyncIterable<FileBatch>, o: SendBatchesOptions): Promise<IngestFileSummary> {
  const started = Date.now()
  const observedAt = o.observedAt ?? new Date().toISOString()
  const snapshot = o.mode === 'full' ? (o.snapshot ?? crypto.randomUUID()) : undefined
  const sum: IngestFileSummary = { rows: 0, accepted: 0, rejected: 0, duplicates: 0, batches: 0, deleted: 0, seconds: 0, errors: [] }

  const send = async (b: FileBatch, part: number, last: boolean) => {
    const batch = crypto.createHash('sha256').update(`${o.system}\n${o.entity}\n${o.mode}\n${snapshot ?? ''}\n${part}\n`).update(b.body).digest('hex').slice(0, 32)
    const r = await sendBatch({
      server: o.server, token: o.token, system: o.system, entity: o.entity, mode: o.mode, batch, observedAt,
      snapshot, part: snapshot ? part : undefined, last: snapshot ? last : undefined, body: b.body, onRetry: o.onRetry,
    })
    sum.batches++
    sum.rows += r.accepted + r.rejected
    sum.accepted += r.accepted
    sum.rejected += r.rejected
    sum.deleted += r.deleted ?? 0
    if (r.duplicate) sum.duplicates++
    for (const e of r.errors) sum.errors.push({ batch: part, ...e, line: b.fileLine(e.line) })
    o.onSent?.(sum)
  }

  // Up to `concurrency` batches in flight. A batch is held back until the next one is read, so
  // the last part of a full snapshot is known to be last when it is sent.
  const inFlight = new Set<Promise<void>>()
  let failure: unknown = null
  const launch = (b: FileBatch, part: number, last: boolean) => {
    const p: Promise<void> = send(b, part, last).catch((e) => void (failure ??= e)).finally(() => inFlight.delete(p))
    inFlight.add(p)
  }
  let held: FileBatch | null = null
  // Parts count from 1: the server then waits for every part up to the last, whichever lands first.
  let part = 1
  for await (const b of batches) {
    if (held) {
      launch(held, part++, false)
      while (inFlight.size >= (o.concurrency ?? 4) && !failure) await Promise.race(inFlight)
      if (failure) break
    }
    held = b
  }
  // The last part is sent even when empty: it carries last=true for a full snapshot.
  if (!failure) launch(held ?? { body: Buffer.alloc(0), fileLine: (n) => n }, part, true)
  await Promise.all(inFlight)
  if (failure) throw failure
  sum.errors.sort((a, b) => a.line - b.line)
  sum.errors.length = Math.min(sum.errors.length, MAX_ERRORS)
  sum.seconds = (Date.now() - started) / 1000
  return sum
}

/**
 * A snapshot id from the bytes of the files it is made of and the words that change what they
 * mean (system, entity, batch size, a mapping): the same input gives the same id, so every part
 * of a re-sent snapshot is a duplicate. Streams the files: memory stays flat.
 */
export async function contentDigest(files: string[], context: string): Promise<string> {
  const h = crypto.createHash('sha256').update(context)
  for (const f of files) {
    h.update(`\n${fs.statSync(f).size}\n`)
    for await (const chunk of fs.createReadStream(f, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer)
  }
  return `file-${h.digest('hex').slice(0, 32)}`
}
