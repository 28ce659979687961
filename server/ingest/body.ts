// The request body as a stream of bytes: decompressed when gzip, counted against the size
// limit as it flows (a 413 mid-stream aborts the batch before anything is committed).
import { Readable } from 'node:stream'
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

export const tooLarge = (max: number) =>
  new AppError(413, 'payload_too_large', `The body is larger than the configured limit of ${max} bytes (limits.max_body_bytes); split it into several batches, or a multi-part snapshot.`)

export async function* bodyBytes(
  source: IncomingMessage | ReadableStream<Uint8Array> | null,
  opts: { gzip: boolean; maxBytes: number },
): AsyncGenerator<Buffer> {
  if (!source) return
  const raw: Readable = source instanceof Readable ? source : Readable.fromWeb(source as import('node:stream/web').ReadableStream)
  const stream: Readable = opts.gzip ? raw.pipe(createGunzip()) : raw
  if (opts.gzip) raw.on('error', (e) => stream.destroy(e))
  let total = 0
  try {
    for await (const chunk of stream) {
      total += (chunk as Buffer).length
      if (total > opts.maxBytes) throw tooLarge(opts.maxBytes)
      yield chunk as Buffer
    }
  } catch (e) {
    if (e instanceof AppError) throw e
    const code = (e as NodeJS.ErrnoException).code ?? ''
    if (code.startsWith('Z_')) throw new AppError(400, 'bad_gzip', `The body is not valid gzip (${(e as Error).message}).`)
    throw new AppError(400, 'body_aborted', 'The request body ended before it was complete; nothing was written.')
  } finally {
    if (!raw.readableEnded) raw.resume()
  }
}
