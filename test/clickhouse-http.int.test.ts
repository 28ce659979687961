// The ClickHouse HTTP test server (test/support/clickhouse-http.ts) answers @clickhouse/client
// as clickhouse-server does, and Crosswalk's own server path (CLICKHOUSE_URL) runs through it:
// connect, migrate, insert, query, stream.
import crypto from 'node:crypto'
import { Readable } from 'node:stream'
import zlib from 'node:zlib'
import { ClickHouseError, ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../server/db/client.ts'
import { migrate } from '../server/db/migrate.ts'
import { bulkInsert, insertRows, queryRows } from '../server/db/query.ts'
import { streamRows } from '../server/db/stream.ts'
import { tempDir } from './helpers/server.ts'
import { expectBatchLands, expectSpansLand } from './helpers/bulk-paths.ts'
import { startClickHouseHttp, type ClickHouseHttp } from './support/clickhouse-http.ts'

const USER = 'crosswalk'
const PASSWORD = "p@ss'w:rd"
/** A client of the test server; the errors these tests provoke need not be logged too. */
const connect = (opts: Parameters<typeof createClient>[0] = {}) =>
  createClient({ url: ch.url, username: USER, password: PASSWORD, log: { level: ClickHouseLogLevel.OFF }, ...opts })

let ch: ClickHouseHttp
beforeAll(async () => {
  ch = await startClickHouseHttp({ dataDir: tempDir('cw-chhttp-'), user: USER, password: PASSWORD })
})
afterAll(() => ch?.stop())

/** The error a promise rejects with (or a failure when it resolves). */
async function rejection(p: Promise<unknown>): Promise<ClickHouseError> {
  try {
    await p
  } catch (e) {
    return e as ClickHouseError
  }
  throw new Error('expected a rejection')
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(Buffer.from(c))
  return Buffer.concat(chunks)
}

describe('@clickhouse/client against the HTTP test server', () => {
  let client: ClickHouseClient
  beforeAll(async () => {
    client = connect()
    await client.command({ query: 'CREATE TABLE hx_rows (id UInt64, name String, at DateTime64(3, \'UTC\'), amount Decimal(38, 8)) ENGINE = MergeTree ORDER BY id' })
  })
  afterAll(() => client.close())

  it('answers pings, with and without a query', async () => {
    expect(await client.ping()).toEqual({ success: true })
    expect(await client.ping({ select: true })).toEqual({ success: true })
    const res = await fetch(`${ch.url}/ping`)
    expect([res.status, await res.text()]).toEqual([200, 'Ok.\n'])
  })

  it('inserts JSONEachRow and TabSeparated rows, as arrays and streams, with a summary', async () => {
    const r = await client.insert({
      table: 'hx_rows',
      values: [{ id: 1, name: 'one', at: '2026-03-02 10:11:12.345', amount: '1.5' }, { id: 2, name: "it's", at: '2026-03-02 00:00:00', amount: '2' }],
      format: 'JSONEachRow',
    })
    expect(r.executed).toBe(true)
    expect(r.summary).toMatchObject({ written_rows: '2' })
    expect(Number(r.summary?.elapsed_ns)).toBeGreaterThan(0)
    const tsv = Readable.from(['3\tth\\tree\t2026-03-03 00:00:00.000\t3.25\n', '4\tfour\t2026-03-04 00:00:00.000\t4\n'], { objectMode: false })
    const t = await client.insert({ table: 'hx_rows', columns: ['id', 'name', 'at', 'amount'], values: tsv, format: 'TabSeparated' })
    expect(t.summary).toMatchObject({ written_rows: '2' })
    const objects = Readable.from([{ id: 5, name: 'five', at: '2026-03-05 00:00:00', amount: '5' }], { objectMode: true })
    await client.insert({ table: 'hx_rows', values: objects, format: 'JSONEachRow' })
    const empty = await client.insert({ table: 'hx_rows', values: Readable.from([]), format: 'JSONEachRow' })
    expect(empty.executed).toBe(true)
    const rs = await client.query({ query: 'SELECT id, name FROM hx_rows ORDER BY id', format: 'JSONEachRow' })
    expect(await rs.json()).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: "it's" },
      { id: 3, name: 'th\tree' },
      { id: 4, name: 'four' },
      { id: 5, name: 'five' },
    ])
  })

  it('binds typed parameters as the server does', async () => {
    await client.command({ query: 'CREATE TABLE hx_ident ENGINE = Memory AS SELECT number FROM numbers(2)' })
    const text = "it's a \\ back\tslash, a \"quote\", \n a line and ünïcødé ✓"
    const rs = await client.query({
      query: `SELECT {s:String} AS s, {a:Array(String)} AS a, {d:DateTime64(3, 'UTC')} AS d, {dd:DateTime64(3, 'UTC')} AS dd,
                     {m:Decimal(38, 8)} AS m, {u:UInt64} AS u, {b:UInt64} AS b, {t:Bool} AS t, {n:Nullable(String)} AS n,
                     (SELECT count() FROM {table:Identifier}) AS c`,
      query_params: {
        s: text,
        a: ["it's", 'back\\slash', 'tab\there'],
        d: new Date('2026-03-02T10:11:12.345Z'),
        dd: '2026-03-02 10:11:12.345',
        m: '12345678901234567890.12345678',
        u: '18446744073709551615',
        b: 9007199254740993n,
        t: true,
        n: null,
        table: 'hx_ident',
      },
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_decimals: 1, output_format_json_quote_64bit_integers: 1 },
    })
    expect(await rs.json()).toEqual([
      {
        s: text,
        a: ["it's", 'back\\slash', 'tab\there'],
        d: '2026-03-02 10:11:12.345',
        dd: '2026-03-02 10:11:12.345',
        m: '12345678901234567890.12345678',
        u: '18446744073709551615',
        b: '9007199254740993',
        t: true,
        n: null,
        c: '2',
      },
    ])
    const byIn = await client.query({ query: 'SELECT id FROM hx_rows WHERE name IN {names:Array(String)} ORDER BY id', query_params: { names: ["it's", 'five'] }, format: 'JSONEachRow' })
    expect(await byIn.json()).toEqual([{ id: 2 }, { id: 5 }])
    // Long parameters travel in a multipart body instead of the URL.
    const long = 'x'.repeat(10_000)
    const mp = await client.query({ query: 'SELECT length({v:String}) AS n', query_params: { v: long }, format: 'JSONEachRow', use_multipart_params: true })
    expect(await mp.json()).toEqual([{ n: 10000 }])
  })

  it('applies settings to one query only, and knows its query id and format', async () => {
    const one = await client.query({ query: "SELECT toString(getSetting('max_threads')) AS t", format: 'JSONEachRow', clickhouse_settings: { max_threads: 3 }, query_id: 'hx-query-1' })
    expect(one.query_id).toBe('hx-query-1')
    expect(one.response_headers['x-clickhouse-query-id']).toBe('hx-query-1')
    expect(one.response_headers['x-clickhouse-format']).toBe('JSONEachRow')
    expect(await one.json()).toEqual([{ t: '3' }])
    const next = await client.query({ query: "SELECT toString(getSetting('max_threads')) AS t", format: 'JSONEachRow' })
    expect(await next.json()).not.toEqual([{ t: '3' }])
    const asDefault = await client.exec({ query: 'SELECT 1 AS a', clickhouse_settings: { default_format: 'JSONEachRow' } })
    expect((await collect(asDefault.stream)).toString()).toBe('{"a":1}\n')
    const unknown = await rejection(client.query({ query: 'SELECT 1', clickhouse_settings: { no_such_setting: 1 } as ClickHouseSettings }))
    expect(unknown).toMatchObject({ code: '115', type: 'UNKNOWN_SETTING' })
  })

  it('streams large results: RawBLOB through exec, JSONEachRow rows through query', async () => {
    const raw = await client.exec({ query: "SELECT repeat('x', 1000) FROM numbers(4000) FORMAT RawBLOB" })
    expect(raw.response_headers['transfer-encoding']).toBe('chunked')
    expect((await collect(raw.stream)).length).toBe(4_000_000)
    const rs = await client.query({ query: 'SELECT number AS n, toString(number) AS s FROM numbers(300000)', format: 'JSONEachRow' })
    let rows = 0
    let last: unknown
    for await (const chunk of rs.stream()) for (const row of chunk as Array<{ json(): unknown }>) (rows++, (last = row.json()))
    expect([rows, last]).toEqual([300000, { n: 299999, s: '299999' }])
  })

  it('runs commands with a summary, in another database too', async () => {
    const c = await client.command({ query: 'INSERT INTO hx_rows (id, name) SELECT 100 + number, toString(number) FROM numbers(3)' })
    expect(c.summary).toBeDefined()
    expect(c.query_id).toMatch(/^[0-9a-f-]{36}$/)
    await client.command({ query: 'CREATE DATABASE IF NOT EXISTS hx_other' })
    await client.command({ query: 'CREATE TABLE IF NOT EXISTS hx_other.t (a UInt8) ENGINE = Memory' })
    const other = connect({ database: 'hx_other', session_id: crypto.randomUUID() })
    try {
      await other.insert({ table: 't', values: [{ a: 7 }], format: 'JSONEachRow' })
      const rs = await other.query({ query: 'SELECT currentDatabase() AS d, sum(a) AS s FROM t', format: 'JSONEachRow' })
      expect(await rs.json()).toEqual([{ d: 'hx_other', s: 7 }])
    } finally {
      await other.close()
    }
  })

  it('compresses requests and responses with gzip when asked', async () => {
    const gz = connect({ compression: { request: true, response: true } })
    try {
      await gz.insert({ table: 'hx_rows', values: [{ id: 200, name: 'gz' }], format: 'JSONEachRow' })
      await gz.insert({ table: 'hx_rows', columns: ['id', 'name'], values: Readable.from(['201\tgz2\n'], { objectMode: false }), format: 'TabSeparated' })
      const rs = await gz.query({ query: 'SELECT name FROM hx_rows WHERE id >= 200 ORDER BY id', format: 'JSONEachRow' })
      expect(rs.response_headers['content-encoding']).toBe('gzip')
      expect(await rs.json()).toEqual([{ name: 'gz' }, { name: 'gz2' }])
      const big = await gz.exec({ query: "SELECT repeat('y', 1000) FROM numbers(2000) FORMAT RawBLOB" })
      expect(big.response_headers['content-encoding']).toBe('gzip')
      expect((await collect(big.stream)).length).toBe(2_000_000)
    } finally {
      await gz.close()
    }
    // The same by hand: a gzip body in, and a gzip answer only when both sides ask for one.
    const auth = { Authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` }
    const res = await fetch(`${ch.url}/?enable_http_compression=1`, { method: 'POST', headers: { ...auth, 'Content-Encoding': 'gzip', 'Accept-Encoding': 'gzip' }, body: zlib.gzipSync('SELECT 42') })
    expect([res.headers.get('content-encoding'), await res.text()]).toEqual(['gzip', '42\n'])
  })

  it('takes INSERT data after the query in the body as bytes, also binary and gzipped', async () => {
    await client.command({ query: 'CREATE TABLE hx_body (a UInt32, s String) ENGINE = MergeTree ORDER BY a' })
    const auth = { 'X-ClickHouse-User': USER, 'X-ClickHouse-Key': PASSWORD }
    const post = (body: Buffer | string, headers: Record<string, string> = {}) =>
      fetch(`${ch.url}/`, { method: 'POST', body: body as BodyInit, headers: { ...auth, ...headers } }).then(async (r) => [r.status, r.headers.get('x-clickhouse-exception-code'), await r.text()])
    // RowBinary: a UInt32 then a length-prefixed String whose bytes are not UTF-8.
    const row = (a: number, bytes: number[]) => Buffer.concat([Buffer.from(Uint32Array.of(a).buffer), Buffer.from([bytes.length, ...bytes])])
    expect(await post(Buffer.concat([Buffer.from('INSERT INTO hx_body FORMAT RowBinary\n'), row(1, [0xff, 0x00])]))).toEqual([200, null, ''])
    // Data right after the format name and a space (no line feed), gzipped on the way.
    const gz = zlib.gzipSync(Buffer.concat([Buffer.from('INSERT INTO hx_body (a, s) FORMAT RowBinary '), row(2, [0x0a, 0xfe])]))
    expect(await post(gz, { 'Content-Encoding': 'gzip' })).toEqual([200, null, ''])
    expect(await post("INSERT INTO hx_body FORMAT JSONEachRow\n{\"a\":3,\"s\":\"ü\"}\n")).toEqual([200, null, ''])
    expect(await post("INSERT INTO hx_body VALUES (4, 'v;w')")).toEqual([200, null, ''])
    // VALUES with parameters, as Crosswalk's own inserts send them: bound by the engine.
    await client.command({ query: 'INSERT INTO hx_body (a, s) VALUES ({a:UInt32}, {s:String})', query_params: { a: 5, s: "p'q" } })
    const bad = await post('INSERT INTO hx_body FORMAT JSONEachRow\n{"a":"x"}\n')
    // A parse error: 400, its code in the header and as the body's first words.
    expect(bad[0]).toBe(400)
    expect(bad[2]).toMatch(new RegExp(`^Code: ${bad[1]}\\. DB::Exception: .*\\([A-Z_]+\\) \\(version [\\d.]+\\)\\n$`, 's'))
    expect(await post('SELECT a, hex(s) FROM hx_body ORDER BY a')).toEqual([200, null, '1\tFF00\n2\t0AFE\n3\tC3BC\n4\t763B77\n5\t702771\n'])
  })

  it('reports errors with the code and type the client parses', async () => {
    const missing = await rejection(client.query({ query: 'SELECT * FROM hx_missing', format: 'JSONEachRow' }))
    expect(missing).toBeInstanceOf(ClickHouseError)
    expect(missing).toMatchObject({ code: '60', type: 'UNKNOWN_TABLE' })
    const syntax = await rejection(client.command({ query: 'SELEC 1' }))
    expect(syntax).toMatchObject({ code: '62', type: 'SYNTAX_ERROR' })
    const multi = await rejection(client.command({ query: 'SELECT 1; SELECT 2' }))
    expect(multi).toMatchObject({ code: '62', type: 'SYNTAX_ERROR' })
    expect(multi.message).toMatch(/Multi-statements are not allowed/)
    const badRow = await rejection(client.insert({ table: 'hx_rows', values: Readable.from(['x\ty\n'], { objectMode: false }), format: 'TabSeparated' }))
    expect(badRow).toBeInstanceOf(ClickHouseError)
    const post = (body: string, query = '') =>
      fetch(`${ch.url}/${query}`, { method: 'POST', body, headers: { 'X-ClickHouse-User': USER, 'X-ClickHouse-Key': PASSWORD } })
    const res = await post("SELECT 'a;b' AS s; -- a comment; not a statement")
    expect([res.status, await res.text()]).toEqual([200, 'a;b\n'])
    const readonly = await fetch(`${ch.url}/?query=${encodeURIComponent('CREATE TABLE hx_get (a UInt8) ENGINE = Memory')}`, { headers: { 'X-ClickHouse-User': USER, 'X-ClickHouse-Key': PASSWORD } })
    expect([readonly.status, readonly.headers.get('x-clickhouse-exception-code')]).toEqual([500, '164'])
    const missingRes = await fetch(`${ch.url}/?user=${USER}&password=${encodeURIComponent(PASSWORD)}`, { method: 'POST', body: 'SELECT * FROM hx_missing' })
    expect([missingRes.status, missingRes.headers.get('x-clickhouse-exception-code')]).toEqual([404, '60'])
  })

  it('reports an error after rows were sent inside the stream', async () => {
    const rs = await client.query({ query: "SELECT number, repeat('z', 100) AS pad, throwIf(number = 60000, 'boom late') FROM numbers(100000)", format: 'JSONEachRow', clickhouse_settings: { max_block_size: '1000' } })
    let rows = 0
    const err = await rejection(
      (async () => {
        for await (const chunk of rs.stream()) rows += (chunk as unknown[]).length
      })(),
    )
    expect(err.message).toMatch(/boom late/)
    expect(rows).toBeGreaterThan(0)
  })

  it('rejects a wrong password with AUTHENTICATION_FAILED', async () => {
    const wrong = connect({ password: 'nope' })
    try {
      const ping = await wrong.ping({ select: true })
      expect(ping.success).toBe(false)
      expect(await rejection(wrong.query({ query: 'SELECT 1' }))).toMatchObject({ code: '516', type: 'AUTHENTICATION_FAILED' })
    } finally {
      await wrong.close()
    }
  })
})

describe("Crosswalk's ClickHouse server path (CLICKHOUSE_URL) through the HTTP test server", () => {
  let db: Db
  beforeAll(async () => {
    db = await openDb({ url: ch.url, user: USER, password: PASSWORD, dataDir: tempDir() })
  })
  afterAll(() => db?.close())

  it('connects and migrates', async () => {
    expect(db.engine).toBe('clickhouse')
    expect(await migrate(db, undefined, () => {})).toBeGreaterThan(0)
    expect(await migrate(db, undefined, () => {})).toBe(0)
    const [m] = await queryRows<{ n: string }>(db, 'test.migrations', 'SELECT count() AS n FROM schema_migrations')
    expect(Number(m.n)).toBeGreaterThan(0)
  })

  it('inserts, bulk-loads, queries and streams', async () => {
    await db.client.command({ query: 'CREATE TABLE IF NOT EXISTS hx_cw (key String, amount Decimal(18, 2)) ENGINE = MergeTree ORDER BY key' })
    await insertRows(db, 'hx_cw', [{ key: 'a', amount: '1.10' }, { key: "it's", amount: '2.20' }])
    await bulkInsert(db, 'hx_cw', ['key', 'amount'], 'b\t3.30\nc\\td\t4.40\n')
    const rows = await queryRows<{ key: string; amount: string }>(db, 'test.read', 'SELECT key, amount FROM hx_cw WHERE key != {skip:String} ORDER BY key', { skip: 'zzz' })
    expect(rows).toEqual([
      { key: 'a', amount: '1.1' },
      { key: 'b', amount: '3.3' },
      { key: 'c\td', amount: '4.4' },
      { key: "it's", amount: '2.2' },
    ])
    const pages: number[] = []
    for await (const page of streamRows(db, 'test.stream', 'SELECT number AS n FROM numbers({count:UInt32})', { count: 50_000 })) pages.push(page.length)
    expect(pages.reduce((a, b) => a + b, 0)).toBe(50_000)
  })

  it('lands an ingest batch', () => expectBatchLands(db, db, 'TE-HX-', 'http-path'))

  it('lands span requests that arrive together', () => expectSpansLand(db, db))
})
