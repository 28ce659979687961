// ClickHouse's HTTP interface over the embedded engine: each request is read, authenticated and
// run on a connection of its own (engine.ts), and answered as clickhouse-server answers (reply.ts).
// https://clickhouse.com/docs/interfaces/http
import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import { Engine, type Work } from './engine.ts'
import { ChError, contentType, parseRequest, readBody, type ChRequest } from './protocol.ts'
import { ClientGone, NO_STATS, Reply } from './reply.ts'
import { scanStatement, type Statement } from './sql.ts'

export interface ServeOptions {
  dataDir: string
  /** The one account accepted (default `default` with an empty password, as a fresh server). */
  user?: string
  password?: string
  host?: string
  port?: number
}

export interface Serving {
  url: string
  close(): Promise<void>
}

const OK = 'Ok.\n'

export async function serve(opts: ServeOptions): Promise<Serving> {
  const engine = await Engine.open(opts.dataDir)
  const user = opts.user ?? 'default'
  const password = opts.password ?? ''
  const running = new Set<string>() // query ids of queries under way
  const active = new Set<Promise<void>>()
  const host = os.hostname()

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const base = { 'X-ClickHouse-Server-Display-Name': host }
    // Health checks answer without credentials (the /ping and default handlers).
    if (url.pathname === '/ping' || url.pathname === '/replicas_status' || (url.pathname === '/' && req.method === 'GET' && !url.searchParams.has('query'))) {
      res.writeHead(200, { ...base, 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': String(OK.length) }).end(OK)
      return
    }
    if (url.pathname !== '/') {
      const text = `There is no handle ${url.pathname}\n\nUse / or /ping for health checks.\n`
      res.writeHead(404, { ...base, 'Content-Type': 'text/plain; charset=UTF-8', 'Content-Length': String(Buffer.byteLength(text)) }).end(text)
      return
    }
    const queryId = url.searchParams.get('query_id') || crypto.randomUUID()
    const reply = new Reply(res, { ...base, 'X-ClickHouse-Query-Id': queryId, 'X-ClickHouse-Timezone': engine.timezone }, engine.version)
    let work: Work | undefined
    let registered = false
    try {
      const r = parseRequest(req, url, await readBody(req))
      reply.req = r
      if (r.user !== user || r.password !== password)
        throw new ChError(516, 'AUTHENTICATION_FAILED', `${r.user}: Authentication failed: password is incorrect, or there is no user with such name`)
      if (running.has(queryId)) throw new ChError(216, 'QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING', `Query with id = ${queryId} is already running`)
      running.add(queryId)
      registered = true
      const st = scanStatement(r.sql)
      if (!st.keyword) throw new ChError(62, 'SYNTAX_ERROR', 'Empty query')
      if (st.secondAt !== undefined)
        throw new ChError(62, 'SYNTAX_ERROR', `Syntax error (Multi-statements are not allowed): failed at position ${st.secondAt + 1} (end of query): ${r.sql.slice(st.secondAt, st.secondAt + 60)}`)
      work = engine.work()
      await work.prepare(r.settings, r.database, r.readonly)
      await run(work, r, st, reply)
    } catch (e) {
      if (!(e instanceof ClientGone)) await reply.fail(e)
    } finally {
      work?.close()
      if (registered) running.delete(queryId)
    }
  }

  async function run(work: Work, r: ChRequest, st: Statement, answer: Reply): Promise<void> {
    if (r.insertData) {
      // Over HTTP an INSERT without rows succeeds (ClickHouse issue #8599); chDB would say 108.
      await answer.finish(r.insertData.length > 0 ? await work.insert(r.sql, r.insertData) : NO_STATS)
      return
    }
    const format = st.format ?? r.defaultFormat
    if (st.keyword !== 'INSERT') answer.withFormat(format, contentType(format))
    if (!st.select) {
      // DDL, INSERT … SELECT, SHOW, DESCRIBE, EXISTS…: chDB streams only SELECTs.
      let result
      try {
        result = await work.query(r.sql, r.params, r.defaultFormat)
      } catch (e) {
        if (st.keyword === 'INSERT' && ChError.from(e).type === 'NO_DATA_TO_INSERT') return answer.finish(NO_STATS)
        throw e
      }
      if (result.bytes.length > 0) await answer.write(result.bytes, 0, result)
      await answer.finish(result)
      return
    }
    const cursor = await work.stream(r.sql, r.params, r.defaultFormat)
    try {
      for (let c = await cursor.next(); c; c = await cursor.next()) await answer.write(c.bytes, c.rows)
      await answer.finish()
    } finally {
      await cursor.cancel() // a no-op once the stream has ended; stops it when the client left
    }
  }

  const server = http.createServer((req, res) => {
    const p = handle(req, res).catch((e: unknown) => {
      // Only a broken socket gets here; the answer is lost with it.
      if (!res.headersSent) res.destroy(e as Error)
    })
    active.add(p)
    void p.finally(() => active.delete(p))
  })
  // clickhouse-server's keep_alive_timeout is 10 s; the client's idle socket TTL (2.5 s) is below it.
  server.keepAliveTimeout = 10_000
  server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1')
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const { address, port } = server.address() as AddressInfo
  return {
    url: `http://${address}:${port}`,
    async close() {
      server.close()
      server.closeIdleConnections()
      const timer = setTimeout(() => server.closeAllConnections(), 5_000)
      while (active.size > 0) await Promise.allSettled([...active])
      clearTimeout(timer)
      await engine.close()
    },
  }
}
