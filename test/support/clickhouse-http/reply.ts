// Writing one answer the way clickhouse-server's WriteBufferFromHTTPServerResponse does: output
// is held back until max(buffer_size, 1 MiB) has accumulated (everything, with
// wait_end_of_query=1), so an error before that point still gets a proper HTTP status and
// X-ClickHouse-Exception-Code; headers (with X-ClickHouse-Summary as known at that moment) go
// out with the first bytes sent; an error after that is written into the body in the tagged form
// @clickhouse/client parses (dist/common/utils/stream.js, extractErrorAtTheEndOfChunk) and the
// connection is broken without the final chunk, so no reader can mistake it for a whole answer.
import crypto from 'node:crypto'
import { once } from 'node:events'
import type { ServerResponse } from 'node:http'
import type { Writable } from 'node:stream'
import zlib from 'node:zlib'
import type { Stats } from './engine.ts'
import { ChError, httpStatus, type ChRequest } from './protocol.ts'

export const NO_STATS: Stats = { rowsRead: 0, bytesRead: 0, rowsWritten: 0, bytesWritten: 0, elapsed: 0 }

/** Thrown from write() when the client has gone: the query is to be cancelled. */
export class ClientGone extends Error {}

export class Reply {
  private held: Buffer[] = []
  private heldBytes = 0
  private committed = false
  private sink: Writable
  private compressor?: zlib.Gzip | zlib.Deflate | zlib.BrotliCompress
  private resultRows = 0
  private resultBytes = 0
  private readonly started = process.hrtime.bigint()
  private readonly tag = crypto.randomBytes(12).toString('hex')
  private gone = false

  /** The request's buffering and compression wishes, once it has been read. */
  req?: Pick<ChRequest, 'encoding' | 'compressionLevel' | 'waitEndOfQuery' | 'bufferSize'>

  constructor(
    private readonly res: ServerResponse,
    private readonly headers: Record<string, string>,
    private readonly version: string,
  ) {
    this.sink = res
    res.once('close', () => {
      if (!res.writableFinished) this.gone = true
    })
  }

  private summary(stats: Stats): string {
    const s = (n: number) => String(Math.round(n))
    return JSON.stringify({
      read_rows: s(stats.rowsRead),
      read_bytes: s(stats.bytesRead),
      written_rows: s(stats.rowsWritten),
      written_bytes: s(stats.bytesWritten),
      total_rows_to_read: s(stats.rowsRead),
      result_rows: s(this.resultRows),
      result_bytes: s(this.resultBytes),
      elapsed_ns: String(process.hrtime.bigint() - this.started),
    })
  }

  /** Output headers for a query with a result: its format, and the exception tag. */
  withFormat(format: string, type: string): this {
    Object.assign(this.headers, { 'Content-Type': type, 'X-ClickHouse-Format': format, 'X-ClickHouse-Exception-Tag': this.tag })
    return this
  }

  async write(chunk: Buffer, rows: number, stats: Stats = NO_STATS): Promise<void> {
    if (this.gone) throw new ClientGone()
    this.resultRows += rows
    this.resultBytes += chunk.length
    if (!this.committed) {
      this.held.push(chunk)
      this.heldBytes += chunk.length
      if (this.req?.waitEndOfQuery || this.heldBytes < (this.req?.bufferSize ?? 1 << 20)) return
      this.commit(stats)
      chunk = Buffer.concat(this.held)
      this.held = []
    }
    if (!this.sink.write(chunk)) {
      // Backpressure: wait for the client to read, or to leave (the loser's listener is removed).
      const ac = new AbortController()
      try {
        await Promise.race([once(this.sink, 'drain', { signal: ac.signal }), once(this.res, 'close', { signal: ac.signal })])
      } finally {
        ac.abort()
      }
      if (this.gone) throw new ClientGone()
    }
  }

  /** Sends the status line and headers: the body streams from here on (chunked). */
  private commit(stats: Stats): void {
    this.committed = true
    const enc = this.req?.encoding
    this.res.writeHead(200, { ...this.headers, 'X-ClickHouse-Summary': this.summary(stats), ...(enc ? { 'Content-Encoding': enc } : {}) })
    if (enc) {
      const level = this.req?.compressionLevel ?? 3
      this.compressor =
        enc === 'gzip' ? zlib.createGzip({ level }) : enc === 'deflate' ? zlib.createDeflate({ level }) : zlib.createBrotliCompress()
      this.compressor.pipe(this.res, { end: false })
      this.sink = this.compressor
    }
  }

  async finish(stats: Stats = NO_STATS): Promise<void> {
    if (this.gone) return
    if (!this.committed) {
      // Everything fits the buffer: one response with Content-Length, compressed whole.
      this.committed = true
      const enc = this.req?.encoding
      let body = Buffer.concat(this.held)
      const level = this.req?.compressionLevel ?? 3
      if (enc && body.length > 0)
        body = enc === 'gzip' ? zlib.gzipSync(body, { level }) : enc === 'deflate' ? zlib.deflateSync(body, { level }) : zlib.brotliCompressSync(body)
      this.res.writeHead(200, {
        ...this.headers,
        'X-ClickHouse-Summary': this.summary(stats),
        ...(enc && body.length > 0 ? { 'Content-Encoding': enc } : {}),
        'Content-Length': String(body.length),
      })
      this.res.end(body)
      return
    }
    if (this.compressor) {
      this.compressor.end()
      await once(this.compressor, 'end')
    }
    this.res.end()
  }

  /** Answers with the exception: as an HTTP error while nothing is sent, else inside the body. */
  async fail(e: unknown): Promise<void> {
    if (this.gone) return
    const err = ChError.from(e)
    const text = `${err.text(this.version)}\n`
    if (!this.committed) {
      this.committed = true
      const body = Buffer.from(text)
      const { 'X-ClickHouse-Format': _format, ...headers } = this.headers
      this.res.writeHead(httpStatus(err.type), {
        ...headers,
        'Content-Type': 'text/plain; charset=UTF-8',
        'X-ClickHouse-Exception-Code': String(err.code),
        'X-ClickHouse-Summary': this.summary(NO_STATS),
        'Content-Length': String(body.length),
      })
      this.res.end(body)
      return
    }
    const len = Buffer.byteLength(text)
    const block = `\r\n__exception__\r\n${this.tag}\n${text}${len} ${this.tag}\r\n__exception__\r\n`
    if (this.compressor) {
      this.compressor.end(block)
      await once(this.compressor, 'end')
    } else this.res.write(block)
    // FIN after what is written, and never the terminating chunk (HTTP1ServerResponse::cancelWithException).
    this.res.socket?.end()
  }
}
