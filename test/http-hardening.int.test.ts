// Malformed requests, storage that cannot write, and compressed bodies that inflate without end
// (issue 18, defects 7, 11, 12 and 19b): each is a clear 4xx or a 503, never a 500 or minutes of
// work for nobody.
import fs from 'node:fs'
import path from 'node:path'
import { gzipSync, createGzip } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { ClickHouseError } from '@clickhouse/client'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'
import { ingestsInProgress } from '../server/ingest/pipeline.ts'
import { ensureWebBuilt } from '../server/web.ts'
import { ADMIN, api, tempDir } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'
import { connect, rawExchange, requestHead, untilClosed } from './helpers/raw-http.ts'
import { until } from './helpers/wait.ts'

const auth = { Authorization: `Bearer ${ADMIN}` }

/** `mb` MB of NUL bytes, gzipped as it is made (the inflated body is never held). */
async function nulBomb(mb: number): Promise<Buffer> {
  const gz = createGzip({ level: 9 })
  const out: Buffer[] = []
  gz.on('data', (d: Buffer) => out.push(d))
  const done = new Promise((r) => gz.on('end', r))
  const zeros = Buffer.alloc(1 << 20)
  for (let i = 0; i < mb; i++) if (!gz.write(zeros)) await new Promise((r) => gz.once('drain', r))
  gz.end()
  await done
  return Buffer.concat(out)
}

describe('malformed requests are 400, not 500', () => {
  const server = useServer()
  // ["x","y"]: the right length for every two-part cursor, the wrong types for all of them.
  const crafted = 'WyJ4IiwieSJd'
  const wrongTime = Buffer.from(JSON.stringify(['2026-13-45 99:00:00.000000', 'id'])).toString('base64url')
  const textForNumber = Buffer.from(JSON.stringify(['1e999', 'id'])).toString('base64url')

  it.each(['/api/v1/exceptions', '/api/v1/transactions', '/api/v1/dead-letters', '/api/v1/audit'])('a crafted cursor on %s', async (path) => {
    for (const cursor of [crafted, wrongTime, textForNumber, 'not*base64', Buffer.from('{"a":1}').toString('base64url')]) {
      const r = await api(server.url, `${path}?cursor=${cursor}`)
      expect([r.status, r.body.error?.code], `${path} cursor ${cursor}`).toEqual([400, 'bad_cursor'])
      expect(r.body.error.message).toMatch(/next_cursor/)
    }
  })

  it('a cursor the server gave still pages', async () => {
    const r = await api(server.url, '/api/v1/audit?limit=1')
    expect(r.status).toBe(200)
    if (r.body.next_cursor) expect((await api(server.url, `/api/v1/audit?limit=1&cursor=${r.body.next_cursor}`)).status).toBe(200)
    const own = Buffer.from(JSON.stringify(['2026-03-02 12:00:00.123456', 'abc'])).toString('base64url')
    expect((await api(server.url, `/api/v1/dead-letters?cursor=${own}`)).status).toBe(200)
    expect((await api(server.url, `/api/v1/exceptions?cursor=${Buffer.from('[-1.5,"x"]').toString('base64url')}`)).status).toBe(200)
  })

  it('a path that is not valid percent-encoding', async () => {
    for (const path of ['/%ff', '/%E0%A4%A', '/assets/%c3%28.js']) {
      const r = await rawExchange(server.url, requestHead('GET', path, { Connection: 'close' }))
      expect(r.status, path).toBe(400)
      expect(JSON.parse(r.body).error).toMatchObject({ code: 'bad_uri' })
    }
  })
})

describe('storage that cannot write answers 503 with Retry-After', () => {
  const server = useServer()
  const failures = {
    full: () => new ClickHouseError({ message: 'Cannot reserve 1.00 MiB, not enough space in /var/lib/x/store/abc/', code: '243', type: 'NOT_ENOUGH_SPACE' }),
    readOnly: () =>
      new ClickHouseError({ message: 'Cannot open file /data/store/6a1/tmp_insert_all_1_1_0/id.bin, errno: 30, strerror: Read-only file system', code: '76', type: 'CANNOT_OPEN_FILE' }),
    descriptor: () => new ClickHouseError({ message: 'Cannot write to file descriptor: /data/x.bin', code: '75', type: 'CANNOT_WRITE_TO_FILE_DESCRIPTOR' }),
  }

  /** Every write the engine is asked for fails with `fail` while `run` runs. */
  async function withWritesFailing<T>(fail: () => Error, run: () => Promise<T>): Promise<T> {
    const client = server.db.client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>
    const saved = { insert: client.insert, command: client.command, exec: client.exec }
    for (const k of Object.keys(saved)) client[k] = async () => Promise.reject(fail())
    try {
      return await run()
    } finally {
      Object.assign(client, saved)
    }
  }

  it.each(Object.keys(failures) as Array<keyof typeof failures>)('POST /users and POST /detect, %s', async (kind) => {
    const user = await withWritesFailing(failures[kind], () =>
      api(server.url, '/api/v1/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'A viewer', email: `${kind}@firm.example`, role: 'ops' }) }),
    )
    const detect = await withWritesFailing(failures[kind], () => api(server.url, '/api/v1/detect?as_of=2026-03-31T00:00:00Z', { method: 'POST' }))
    for (const r of [user, detect]) {
      expect([r.status, r.body.error?.code], JSON.stringify(r.body)).toEqual([503, 'storage_unavailable'])
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
      // The engine's words (paths, file names, codes) stay in the server log.
      expect(JSON.stringify(r.body)).not.toMatch(/errno|MiB|\.bin|store|Code:|DB::|NOT_ENOUGH|CANNOT_/)
    }
    // Nothing is broken for good: the same user can be made once storage writes again.
    const again = await api(server.url, '/api/v1/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'A viewer', email: `${kind}@firm.example`, role: 'ops' }) })
    expect(again.status).toBe(201)
  })

  it('a query the engine rejects for another reason is still a plain 500', async () => {
    const r = await withWritesFailing(
      () => new ClickHouseError({ message: 'Unknown identifier x in scope SELECT x', code: '47', type: 'UNKNOWN_IDENTIFIER' }),
      () => api(server.url, '/api/v1/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Other', email: 'other@firm.example', role: 'ops' }) }),
    )
    expect([r.status, r.body.error?.code], JSON.stringify(r.body)).toEqual([500, 'internal'])
    expect(JSON.stringify(r.body)).not.toMatch(/identifier|SELECT/)
  })
})

describe('gzip bombs', () => {
  const MAX = 1 << 20
  const server = useServer({ config: parseConfig({ sources: DEMO_SOURCES, limits: { max_body_bytes: MAX, max_otlp_bytes: 2 * MAX } }) })
  const post = (path: string, body: Buffer, type: string) =>
    api(server.url, path, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': type, 'content-encoding': 'gzip' } })

  it('are cut at the configured limit as they inflate, with a 413 naming the setting', async () => {
    const bomb = await nulBomb(64)
    expect(bomb.length).toBeLessThan(128 * 1024)
    const ingest = await post('/api/v1/ingest/kantata/time_entry?batch=bomb-1', bomb, 'application/x-ndjson')
    expect([ingest.status, ingest.body.error?.code]).toEqual([413, 'payload_too_large'])
    expect(ingest.body.error.message).toContain(`${MAX} bytes (limits.max_body_bytes)`)
    // OTLP has its own limit, and the answer names it (it named the ingest one).
    const otlp = await post('/v1/traces', bomb, 'application/json')
    expect([otlp.status, otlp.body.error?.code]).toEqual([413, 'payload_too_large'])
    expect(otlp.body.error.message).toContain(`${2 * MAX} bytes (limits.max_otlp_bytes)`)
    expect(otlp.body.error.message).not.toContain('max_body_bytes')
    const batches = await api(server.url, '/api/v1/sources')
    expect(JSON.stringify(batches.body)).not.toContain('bomb-1')
  })

  it('a small gzipped body under the limit still lands', async () => {
    const line = JSON.stringify({ key: 'GZ-1', resource_key: 'E1', project_key: 'P1', work_date: '2026-03-02', hours: 2, billable: true, status: 'approved' })
    const r = await post('/api/v1/ingest/kantata/time_entry?batch=gz-ok', gzipSync(line + '\n'), 'application/x-ndjson')
    expect([r.status, r.body.accepted]).toEqual([200, 1])
  })
})

describe('work for a client that has gone', () => {
  // The default limit (4 GB): a 1 GB bomb is within it, so only the client leaving can stop it.
  const server = useServer({ config: parseConfig({ sources: DEMO_SOURCES }) })

  it('a long line inflating within the limit is framed in linear time and rejected as too long', async () => {
    const r = await api(server.url, '/api/v1/ingest/kantata/time_entry?batch=long-line', {
      method: 'POST',
      body: new Uint8Array(await nulBomb(48)),
      headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
    })
    expect([r.status, r.body.accepted, r.body.rejected]).toEqual([200, 0, 1])
    expect(r.body.errors[0].message).toMatch(/longer than/)
  })

  it('stops inflating, parsing and writing when the client disconnects', async () => {
    const bomb = await nulBomb(1024)
    const socket = await connect(server.url)
    const closed = untilClosed(socket)
    socket.write(
      requestHead('POST', '/api/v1/ingest/kantata/time_entry?batch=gone-1', {
        ...auth,
        'Content-Type': 'application/x-ndjson',
        'Content-Encoding': 'gzip',
        'Content-Length': bomb.length,
      }),
    )
    socket.write(bomb)
    await until(() => ingestsInProgress() === 1)
    socket.destroy()
    await closed
    await until(() => ingestsInProgress() === 0)
    // Left to run, the request would commit its batch (one record rejected as too long).
    for (const table of ['batches', 'dead_letters']) {
      const rs = await server.db.client.query({ query: `SELECT count() AS n FROM ${table} WHERE batch_id = 'gone-1'`, format: 'JSONEachRow' })
      expect(Number((await rs.json<{ n: string }>())[0].n), table).toBe(0)
    }
  })
})


describe('serving as installed', () => {
  it('the first start builds a dashboard that is missing, saying so, and later starts do not', async () => {
    const dir = path.join(tempDir('cw-web-'), 'web')
    const lines: string[] = []
    const builds: string[] = []
    const build = async (out: string) => {
      builds.push(out)
      fs.mkdirSync(out, { recursive: true })
      fs.writeFileSync(path.join(out, 'index.html'), '<!doctype html>')
    }
    expect(await ensureWebBuilt((l) => lines.push(l), dir, build)).toBe(true)
    expect(builds).toEqual([dir])
    expect(lines[0]).toMatch(/not built yet.*building it now/)
    expect(await ensureWebBuilt((l) => lines.push(l), dir, build)).toBe(false)
    expect(builds).toHaveLength(1)
  })

  it('a build that fails leaves the API running and says how to build by hand', async () => {
    const lines: string[] = []
    const failing = async () => Promise.reject(new Error('Cannot find package vite'))
    expect(await ensureWebBuilt((l) => lines.push(l), path.join(tempDir('cw-web-'), 'web'), failing)).toBe(true)
    expect(lines.at(-1)).toMatch(/Could not build the dashboard \(Cannot find package vite\).*npm run build/)
  })

  it('npm install builds it (the prepare script), and npm start still builds and serves', () => {
    const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    expect(pkg.scripts.prepare).toBe('node server/cli/build-web.mjs')
    expect(fs.existsSync(new URL('../server/cli/build-web.mjs', import.meta.url))).toBe(true)
    expect(pkg.scripts.start).toMatch(/vite build .*crosswalk\.mjs serve/)
  })
})
