// Slow, stalled and idle clients (issue 18, defects 5 and 6): a capped number of connections,
// headers, bodies and answers that stop are cut off after their (configured, here small) timeout,
// and clients stalled mid-body hold nothing anyone else's ingest waits on.
import http from 'node:http'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'
import { ingestsInProgress } from '../server/ingest/pipeline.ts'
import { guardConnections, connectionLimits, serverOptions } from '../server/http/connections.ts'
import { ADMIN, api } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'
import { streamLine } from './helpers/stream-body.ts'
import { connect, parseAnswer, rawExchange, requestHead, untilClosed } from './helpers/raw-http.ts'
import { until } from './helpers/wait.ts'

const auth = { Authorization: `Bearer ${ADMIN}` }
const entry = (key: string) => JSON.stringify({ key, resource_key: 'E1', project_key: 'P1', work_date: '2026-03-02', hours: 2, billable: true, status: 'approved' }) + '\n'
const config = (server: object) => parseConfig({ sources: DEMO_SOURCES, server })

/** Rows of a batch (committed or not) in the entity table. */
async function stored(db: { client: import('@clickhouse/client').ClickHouseClient }, prefix: string): Promise<number> {
  const rs = await db.client.query({ query: `SELECT count() AS n FROM entity_time_entry WHERE startsWith(key, {p:String})`, query_params: { p: prefix }, format: 'JSONEachRow' })
  return Number((await rs.json<{ n: string }>())[0].n)
}

/** A chunked ingest request that sends `first` and then nothing: it stays open until closed. */
async function stalledUpload(base: string, batch: string, first: string) {
  const socket = await connect(base)
  const closed = untilClosed(socket)
  socket.write(requestHead('POST', `/api/v1/ingest/kantata/time_entry?batch=${batch}`, { ...auth, 'Content-Type': 'application/x-ndjson', 'Transfer-Encoding': 'chunked' }))
  socket.write(`${Buffer.byteLength(first).toString(16)}\r\n${first}\r\n`)
  return { socket, closed }
}

describe('clients that stop half way are cut off after server.idle_timeout_ms', () => {
  const server = useServer({ config: config({ idle_timeout_ms: 150, headers_timeout_ms: 60_000 }) })

  it('a body that stops gets a 408 naming the setting, and nothing of it is written', async () => {
    const { closed } = await stalledUpload(server.url, 'stalled-408', entry('STALL-408-1'))
    const answer = parseAnswer(await closed)
    expect(answer.status).toBe(408)
    expect(JSON.parse(answer.body).error).toMatchObject({ code: 'request_timeout', message: expect.stringContaining('server.idle_timeout_ms') })
    await until(() => ingestsInProgress() === 0)
    expect(await stored(server.db, 'STALL-408')).toBe(0)
  })

  it('a connection that never sends a request is closed', async () => {
    const socket = await connect(server.url)
    expect(await untilClosed(socket)).toBe('')
  })

  it('a slow answer is not cut: the server working is not the client idling', async () => {
    // POST /detect on an empty firm: no bytes move while it runs; it may take longer than 150 ms.
    const r = await api(server.url, '/api/v1/detect?as_of=2026-03-31T00:00:00Z', { method: 'POST' })
    expect(r.status).toBe(200)
  })
})

describe('headers that never finish', () => {
  const server = useServer({ config: config({ headers_timeout_ms: 100, idle_timeout_ms: 60_000 }) })

  it('get a 408 and the connection is closed (slowloris)', async () => {
    const socket = await connect(server.url)
    const closed = untilClosed(socket)
    socket.write('GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: a') // and never the blank line
    expect(parseAnswer(await closed).status).toBe(408)
  })
})

describe('keep-alive connections', () => {
  const server = useServer({ config: config({ keep_alive_timeout_ms: 50, idle_timeout_ms: 60_000 }) })

  it('are closed once idle for server.keep_alive_timeout_ms after an answer', async () => {
    const socket = await connect(server.url)
    const closed = untilClosed(socket)
    socket.write(requestHead('GET', '/api/v1/health', auth))
    const text = await closed
    expect(parseAnswer(text).status).toBe(200)
    expect(text).toMatch(/Keep-Alive: timeout=0/i)
  })
})

describe('server.max_connections', () => {
  const server = useServer({ config: config({ max_connections: 4, idle_timeout_ms: 600_000, headers_timeout_ms: 600_000 }) })
  const held: Array<{ socket: import('node:net').Socket }> = []
  afterAll(() => held.forEach((h) => h.socket.destroy()))

  it('idle connections make room: reaching the cap closes the oldest idle one, and requests still get in', async () => {
    const idle = await Promise.all([0, 1, 2, 3, 4, 5].map(() => connect(server.url)))
    const closed = idle.map((s) => untilClosed(s))
    held.push(...idle.map((socket) => ({ socket })))
    // Each arrival at the cap closes the oldest idle one: the first three go, the newest stay.
    await Promise.all(closed.slice(0, 3))
    const r = await rawExchange(server.url, requestHead('GET', '/api/v1/health', { ...auth, Connection: 'close' }))
    expect(r.status).toBe(200)
    await closed[3]
    expect(idle.slice(4).map((s) => s.readyState)).toEqual(['open', 'open'])
  })

  it('when every connection is busy, a new one is refused rather than exhausting file descriptors', async () => {
    // One at a time: a connection whose request has not arrived yet counts as idle.
    for (let i = 0; i < 4; i++) {
      held.push(await stalledUpload(server.url, `busy-${i}`, entry(`BUSY-${i}`)))
      await until(() => ingestsInProgress() === i + 1)
    }
    const refused = await rawExchange(server.url, requestHead('GET', '/api/v1/health', { ...auth, Connection: 'close' }))
    expect(refused).toEqual({ status: 0, head: '', body: '' })
    // A busy one ends: there is room again.
    held.pop()!.socket.destroy()
    await until(() => ingestsInProgress() === 3)
    expect((await rawExchange(server.url, requestHead('GET', '/api/v1/health', { ...auth, Connection: 'close' }))).status).toBe(200)
  })

  it('defaults to half the open-file limit', () => {
    const dflt = parseConfig({}).server
    expect(connectionLimits(dflt, 1024).maxConnections).toBe(512)
    expect(connectionLimits({ ...dflt, max_connections: 7 }, 1024).maxConnections).toBe(7)
  })
})

describe('stalled uploads hold nothing others wait on', () => {
  const server = useServer({ config: config({ idle_timeout_ms: 600_000 }) })
  const stalled: Array<{ socket: import('node:net').Socket }> = []
  afterAll(() => stalled.forEach((s) => s.socket.destroy()))
  afterEach(() => vi.useRealTimers())

  it('with eight uploads stuck mid-body, a 60,000-row ingest needs no timer to land', async () => {
    for (let i = 0; i < 8; i++) stalled.push(await stalledUpload(server.url, `stuck-${i}`, entry(`STUCK-${i}`)))
    await until(() => ingestsInProgress() === 8)
    expect(await stored(server.db, 'STUCK-')).toBe(0)
    // No timer can fire from here on: anything in the ingest path that waits out a timeout (a
    // pooled buffer a stalled request holds, a lock) hangs, and the test fails on its timeout.
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] })
    const rows = 60_000
    const r = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const url = new URL(server.url)
      const req = http.request({ host: url.hostname, port: url.port, method: 'POST', path: '/api/v1/ingest/kantata/time_entry?batch=live-60k', headers: { ...auth, 'content-type': 'application/x-ndjson' } }, (res) => {
        let text = ''
        res.on('data', (d) => (text += d))
        res.on('end', () => resolve({ status: res.statusCode!, text }))
      })
      req.on('error', reject)
      let body = ''
      for (let i = 0; i < rows; i++) body += streamLine(i)
      req.end(body)
    })
    vi.useRealTimers()
    expect(r.status).toBe(200)
    expect(JSON.parse(r.text)).toMatchObject({ accepted: rows, rejected: 0 })
  })
})

describe('a download the client stopped reading', () => {
  // The guard on a bare server, with an answer larger than any socket buffer.
  it('is cut off after idle_timeout_ms, and the answer stream stops', async () => {
    const limits = connectionLimits({ ...parseConfig({}).server, idle_timeout_ms: 100 })
    let stopped!: (finished: boolean) => void
    const outcome = new Promise<boolean>((r) => (stopped = r))
    const server = http.createServer(serverOptions(limits), async (_req, res) => {
      const chunk = Buffer.alloc(1 << 20, 120)
      res.on('close', () => stopped(res.writableFinished))
      for (let i = 0; i < 1024 && !res.destroyed; i++) if (!res.write(chunk)) await new Promise((r) => res.once('drain', r).once('close', r))
      res.end()
    })
    guardConnections(server, limits)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as import('node:net').AddressInfo).port
    const socket = await connect(`http://127.0.0.1:${port}`)
    socket.write(requestHead('GET', '/', {}))
    socket.pause() // and never reads
    expect(await outcome).toBe(false)
    socket.destroy()
    await new Promise((r) => server.close(r))
  })
})
