// The request body as a stream of bytes: decompressed when gzip, counted against the size
// limit as it inflates (a 413 mid-stream aborts the batch before anything is committed), and
// stopped when the client goes away.
import { PassThrough, Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import type { IncomingMessage } from 'node:http'
import { AppError } from '../lib/errors.ts'

export type BodyFormat = 'ndjson' | 'json'

const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines', 'application/jsonlines'])

export function bodyFormat(contentType: string | undefined): BodyFormat {
  const media = (contentType ?? '').split(';')[0].trim().toLowerCase()
  if (NDJSON_TYPES.has(media)) return 'ndjson'
  if (media === 'application/json') return 'json'
  throw new AppError(
    415,
    'unsupported_media_type',
    `Content-Type ${media ? `'${media}'` : '(missing)'} is not accepted: send application/x-ndjson (one record a line) or application/json (an array of records).`,
  )
}

export function isGzip(contentEncoding: string | undefined): boolean {
  const enc = (contentEncoding ?? '').trim().toLowerCase()
  if (enc === '' || enc === 'identity') return false
  if (enc === 'gzip' || enc === 'x-gzip') return true
  throw new AppError(415, 'unsupported_encoding', `Content-Encoding '${enc}' is not accepted: send gzip or no encoding.`)
}

/** The 413 for a body over its limit, naming the setting that sets it (ingest and OTLP differ). */
export const tooLarge = (max: number, setting = 'limits.max_body_bytes') =>
  new AppError(
    413,
    'payload_too_large',
    `The body is larger than the configured limit of ${max} bytes (${setting}), counted after decompression; split it into several batches${setting === 'limits.max_body_bytes' ? ', or a multi-part snapshot' : ''}.`,
  )

export interface BodyOptions {
  gzip: boolean
  /** Largest body, counted as it inflates: a gzip bomb is cut when its output passes this. */
  maxBytes: number
  /** The config setting maxBytes comes from, for the 413. */
  setting?: string
  /** Aborted when the client has gone: inflating and parsing stop instead of running on. */
  signal?: AbortSignal
}

/** Compressed bytes read ahead of the inflater, so a client that leaves is noticed (its FIN is read). */
const READ_AHEAD = 1 << 20

class ClientGone extends Error {}

export async function* bodyBytes(source: IncomingMessage | ReadableStream<Uint8Array> | null, opts: BodyOptions): AsyncGenerator<Buffer> {
  if (!source) return
  const raw: Readable = source instanceof Readable ? source : Readable.fromWeb(source as import('node:stream/web').ReadableStream)
  const stream: Readable = opts.gzip ? raw.pipe(new PassThrough({ highWaterMark: READ_AHEAD })).pipe(createGunzip()) : raw
  if (opts.gzip) raw.on('error', (e) => stream.destroy(e))
  const gone = () => stream.destroy(new ClientGone())
  if (opts.signal?.aborted) gone()
  opts.signal?.addEventListener('abort', gone)
  let total = 0
  try {
    // An early stop (413, bad framing, storage down) must not destroy the request: see drain().
    for await (const chunk of stream.iterator({ destroyOnReturn: stream !== raw })) {
      total += (chunk as Buffer).length
      if (total > opts.maxBytes) throw tooLarge(opts.maxBytes, opts.setting)
      yield chunk as Buffer
    }
  } catch (e) {
    if (e instanceof AppError) throw e
    const code = (e as NodeJS.ErrnoException).code ?? ''
    if (code.startsWith('Z_')) throw new AppError(400, 'bad_gzip', `The body is not valid gzip (${(e as Error).message}).`)
    throw new AppError(400, 'body_aborted', 'The request body ended before it was complete; nothing was written.')
  } finally {
    opts.signal?.removeEventListener('abort', gone)
    if (stream !== raw && !stream.destroyed) stream.destroy()
    await drain(raw)
  }
}

const DRAIN_BYTES = 64 * 1024 * 1024
const DRAIN_MS = 5_000

/**
 * Reads and drops what is left of a body the pipeline stopped reading, before the error answer
 * goes out: a client still sending then gets that answer instead of a broken pipe, and the
 * connection stays usable (destroying the request would close the socket after the answer, and
 * a client reusing it would get ECONNRESET). A remainder too large to drain quickly is cut off.
 */
async function drain(raw: Readable): Promise<void> {
  if (raw.readableEnded || raw.destroyed) return
  raw.unpipe()
  await new Promise<void>((resolve) => {
    let bytes = 0
    const done = () => {
      clearTimeout(timer)
      raw.off('data', onData).off('end', done).off('error', done).off('close', done)
      resolve()
    }
    const cutOff = () => {
      raw.destroy()
      done()
    }
    const onData = (chunk: Buffer) => {
      bytes += chunk.length
      if (bytes > DRAIN_BYTES) cutOff()
    }
    const timer = setTimeout(cutOff, DRAIN_MS)
    raw.on('data', onData).once('end', done).once('error', done).once('close', done)
    raw.resume()
  })
}
