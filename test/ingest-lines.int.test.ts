// Line-level ingest semantics on the real server (CONTRACT §2–3): bad lines beside good ones,
// the dead-letter store and replay, idempotent batch ids, body formats, exact decimals, extra
// fields, full snapshots over several parts, tombstones, and which version wins.
import { gzipSync } from 'node:zlib'
import { parse as losslessParse, isLosslessNumber } from 'lossless-json'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../server/config/load.ts'
import { api, ingest, ndjson, startServer } from './helpers/server.ts'

let server: Awaited<ReturnType<typeof startServer>>
let url: string

beforeAll(async () => {
  server = await startServer({
    config: parseConfig({
      sources: [
        { system: 'kantata', kind: 'psa' },
        { system: 'netsuite', kind: 'erp' },
        { system: 'salesforce', kind: 'crm' },
        { system: 'workday', kind: 'hr' },
        // One system per body format, so their counts can be compared side by side.
        { system: 'fmt_nd', kind: 'psa' },
        { system: 'fmt_json', kind: 'psa' },
        { system: 'fmt_gz', kind: 'psa' },
        { system: 'fmt_gzjson', kind: 'psa' },
        { system: 'fmt_chunked', kind: 'psa' },
        { system: 'fmt_chunkedjson', kind: 'psa' },
      ],
    }),
  })
  url = server.url
})
afterAll(() => server?.close())

const te = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  resource_key: 'E-1',
  project_key: 'P-1',
  work_date: '2026-03-02',
  hours: '7.5',
  billable: true,
  status: 'approved',
  bill_rate: '150',
  currency: 'USD',
  ...extra,
})

async function sql<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await server.db.client.query({ query, query_params: params, format: 'JSONEachRow' })
  return rs.json<T>()
}

async function records(system: string, entity: string, asOf?: string): Promise<number> {
  const r = await api(url, `/api/v1/sources${asOf ? `?as_of=${encodeURIComponent(asOf)}` : ''}`)
  expect(r.status).toBe(200)
  const s = r.body.items.find((x: { system: string }) => x.system === system)
  expect(s, system).toBeDefined()
  return s.entities?.[entity]?.records ?? 0
}

async function ok(system: string, entity: string, body: string, query: string, init: Parameters<typeof ingest>[5] = {}) {
  const r = await ingest(url, system, entity, body, query, init)
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body
}

async function deadLetters(query: string) {
  const r = await api(url, `/api/v1/dead-letters?${query}`)
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body.items as Array<Record<string, any>>
}

const replayOne = (id: string, body?: object) =>
  api(url, `/api/v1/dead-letters/${id}/replay`, {
    method: 'POST',
    body: body ? JSON.stringify(body) : undefined,
    headers: body ? { 'content-type': 'application/json' } : {},
  })

const replayMany = (body: object) =>
  api(url, '/api/v1/dead-letters/replay', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })

describe('a malformed line among good ones', () => {
  const OBSERVED = '2026-03-10T12:00:00.000Z'
  const lines = [
    /* 1 */ JSON.stringify(te('TE-L-01')),
    /* 2 */ JSON.stringify(te('TE-L-02')),
    /* 3 */ '{"key":"TE-L-03","resource_key":"E-1","hours":',
    /* 4 */ JSON.stringify(te('TE-L-04')),
    /* 5 */ JSON.stringify(te('TE-L-05', { hours: 30 })),
    /* 6 */ JSON.stringify(te('TE-L-06', { billable: 'yes' })),
    /* 7 */ JSON.stringify(te('TE-L-07', { status: 'done' })),
    /* 8 */ JSON.stringify(te('TE-L-08', { work_date: '2026-02-30' })),
    /* 9 */ JSON.stringify(te('TE-L-09', { bill_rate: '1.123456789' })),
    /* 10 */ JSON.stringify(te('TE-L-10')),
    /* 11 */ '',
    /* 12 */ '[1, 2]',
    /* 13 */ JSON.stringify(te('TE-L-13', { resource_key: undefined, approved_at: 'tuesday' })),
    /* 14 */ JSON.stringify(te('TE-L-14')) + '\r',
  ]
  let result: any
  let letters: Array<Record<string, any>>
  const byKey = (key: string) => letters.find((d) => d.key === key)!

  beforeAll(async () => {
    result = await ok('kantata', 'time_entry', lines.join('\n') + '\n', `batch=mixed-1&observed_at=${OBSERVED}`)
    letters = await deadLetters('batch=mixed-1')
  })

  it('accepts the good lines and rejects the bad ones, with line numbers and field paths', () => {
    expect(result).toMatchObject({ batch: 'mixed-1', accepted: 5, rejected: 8, duplicate: false })
    const errs = result.errors as Array<{ line: number; field: string; message: string }>
    const at = (line: number) => errs.filter((e) => e.line === line)
    expect(at(1)).toEqual([])
    expect(at(3)).toEqual([{ line: 3, field: '', message: expect.stringMatching(/malformed JSON/) }])
    expect(at(5)).toEqual([{ line: 5, field: 'hours', message: expect.stringMatching(/at most 24/) }])
    expect(at(6)).toEqual([{ line: 6, field: 'billable', message: expect.stringMatching(/true or false/) }])
    expect(at(7)).toEqual([{ line: 7, field: 'status', message: expect.stringMatching(/draft, submitted, approved, rejected/) }])
    expect(at(8)).toEqual([{ line: 8, field: 'work_date', message: expect.stringMatching(/YYYY-MM-DD/) }])
    expect(at(9)).toEqual([{ line: 9, field: 'bill_rate', message: expect.stringMatching(/more than 8 decimal places/) }])
    // Blank line 11 is skipped but still counted.
    expect(at(12)).toEqual([{ line: 12, field: '', message: expect.stringMatching(/object/) }])
    // Every problem of a line is reported, not just the first.
    expect(at(13)).toEqual(
      expect.arrayContaining([
        { line: 13, field: 'resource_key', message: 'is required' },
        { line: 13, field: 'approved_at', message: expect.stringMatching(/ISO-8601/) },
      ]),
    )
    expect(at(13)).toHaveLength(2)
  })

  it('makes exactly the good lines visible', async () => {
    expect(await records('kantata', 'time_entry')).toBe(5)
    const keys = await sql<{ key: string }>(`SELECT key FROM cur_time_entry(kind = 'psa', as_of = now64(3)) WHERE startsWith(key, 'TE-L-') ORDER BY key`)
    expect(keys.map((k) => k.key)).toEqual(['TE-L-01', 'TE-L-02', 'TE-L-04', 'TE-L-10', 'TE-L-14'])
  })

  it('lists each bad line in the dead-letter store with its raw text, line, reason, system, entity and batch', () => {
    expect(letters).toHaveLength(8)
    expect(letters.map((d) => d.line).sort((a, b) => a - b)).toEqual([3, 5, 6, 7, 8, 9, 12, 13])
    for (const d of letters) {
      expect(d).toMatchObject({ system: 'kantata', entity: 'time_entry', batch: 'mixed-1', status: 'pending', observed_at: OBSERVED })
      expect(d.raw).toBe(lines[d.line - 1])
      expect(d.id).toMatch(/^[0-9a-f-]{36}$/)
      expect(typeof d.reason).toBe('string')
    }
    expect(byKey('TE-L-05').reason).toMatch(/hours/)
    expect(byKey('TE-L-05').errors).toEqual([{ field: 'hours', message: expect.stringMatching(/at most 24/) }])
    expect(byKey('TE-L-06').reason).toMatch(/billable/)
    expect(byKey('TE-L-07').reason).toMatch(/status/)
    expect(byKey('TE-L-08').reason).toMatch(/work_date/)
    expect(byKey('TE-L-09').reason).toMatch(/bill_rate/)
    const malformed = letters.find((d) => d.line === 3)!
    expect(malformed.key).toBeNull()
    expect(malformed.reason).toMatch(/malformed JSON/)
  })

  it('filters the list by system, entity and status, and gives one by id', async () => {
    expect(await deadLetters('system=netsuite&batch=mixed-1')).toEqual([])
    expect(await deadLetters('entity=expense&batch=mixed-1')).toEqual([])
    expect(await deadLetters('system=kantata&entity=time_entry&batch=mixed-1')).toHaveLength(8)
    const one = await api(url, `/api/v1/dead-letters/${byKey('TE-L-06').id}`)
    expect(one.status).toBe(200)
    expect(one.body).toMatchObject({ id: byKey('TE-L-06').id, line: 6, raw: lines[5] })
    const missing = await api(url, '/api/v1/dead-letters/00000000-0000-4000-8000-000000000000')
    expect(missing.status).toBe(404)
    const bad = await api(url, '/api/v1/dead-letters/not-a-uuid')
    expect(bad.status).toBe(400)
    expect(bad.body.error.message).toMatch(/id/)
  })

  it('pages the list with a cursor', async () => {
    const first = await api(url, '/api/v1/dead-letters?batch=mixed-1&limit=3&status=all')
    expect(first.body.items).toHaveLength(3)
    expect(first.body.next_cursor).toEqual(expect.any(String))
    const seen = [...first.body.items]
    let cursor = first.body.next_cursor
    while (cursor) {
      const page = await api(url, `/api/v1/dead-letters?batch=mixed-1&limit=3&status=all&cursor=${cursor}`)
      expect(page.status).toBe(200)
      seen.push(...page.body.items)
      cursor = page.body.next_cursor
    }
    expect(new Set(seen.map((d) => d.id)).size).toBe(8)
  })

  it('replays a fixed line: ok, the record becomes visible as observed at its batch time', async () => {
    const d = byKey('TE-L-05')
    const fixed = JSON.stringify(te('TE-L-05', { hours: '8' }))
    const r = await replayOne(d.id, { raw: fixed })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body).toMatchObject({ id: d.id, ok: true })
    expect(await records('kantata', 'time_entry')).toBe(6)
    const [row] = await sql<{ hours: string; observed_at: string }>(
      `SELECT toString(hours) AS hours, toString(observed_at) AS observed_at FROM cur_time_entry(kind = 'psa', as_of = now64(3)) WHERE key = 'TE-L-05'`,
    )
    expect(row).toEqual({ hours: '8', observed_at: '2026-03-10 12:00:00.000' })
    const after = await api(url, `/api/v1/dead-letters/${d.id}`)
    expect(after.body.status).toBe('replayed')
    expect(after.body.last_replay_at).toEqual(expect.any(String))
  })

  it('replays an unfixed line: still fails with the reason, stays pending, nothing lands', async () => {
    const d = byKey('TE-L-06')
    const r = await replayOne(d.id)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ id: d.id, ok: false, errors: [{ field: 'billable', message: expect.stringMatching(/true or false/) }] })
    const after = await api(url, `/api/v1/dead-letters/${d.id}`)
    expect(after.body.status).toBe('pending')
    expect(after.body.last_replay_error).toMatch(/billable/)
    // A "fix" that is still wrong fails too, naming the new problem.
    const wrongFix = await replayOne(d.id, { raw: JSON.stringify(te('TE-L-06', { billable: true, hours: 0 })) })
    expect(wrongFix.body).toMatchObject({ ok: false, errors: [{ field: 'hours' }] })
    expect(await records('kantata', 'time_entry')).toBe(6)
  })

  it('replays in bulk by ids and with fixed items', async () => {
    // Unfixed ids fail again, and say why.
    const ids = [byKey('TE-L-07').id, byKey('TE-L-08').id]
    const unfixed = await replayMany({ ids })
    expect(unfixed.status, JSON.stringify(unfixed.body)).toBe(200)
    expect(unfixed.body).toMatchObject({ replayed: 0, failed: 2 })
    expect(unfixed.body.results.map((x: any) => x.errors[0].field).sort()).toEqual(['status', 'work_date'])

    const mixed = await replayMany({
      ids: [byKey('TE-L-09').id],
      items: [
        { id: byKey('TE-L-07').id, raw: JSON.stringify(te('TE-L-07', { status: 'submitted' })) },
        { id: byKey('TE-L-08').id, raw: JSON.stringify(te('TE-L-08', { work_date: '2026-02-28' })) },
      ],
    })
    expect(mixed.status).toBe(200)
    expect(mixed.body).toMatchObject({ replayed: 2, failed: 1 })
    const byId = new Map(mixed.body.results.map((x: any) => [x.id, x]))
    expect(byId.get(byKey('TE-L-09').id)).toMatchObject({ ok: false, errors: [{ field: 'bill_rate' }] })
    expect(await records('kantata', 'time_entry')).toBe(8)

    const none = await replayMany({})
    expect(none.status).toBe(400)
    const unknown = await replayMany({ ids: ['00000000-0000-4000-8000-000000000000'] })
    expect(unknown.body).toMatchObject({ replayed: 0, failed: 1 })
  })

  it('lists replayed letters apart from pending ones', async () => {
    const replayed = await deadLetters('batch=mixed-1&status=replayed')
    expect(replayed.map((d) => d.key).sort()).toEqual(['TE-L-05', 'TE-L-07', 'TE-L-08'])
    for (const d of replayed) expect(d.status).toBe('replayed')
    const pending = await deadLetters('batch=mixed-1')
    expect(pending).toHaveLength(5)
    for (const d of pending) expect(d.status).toBe('pending')
    expect(await deadLetters('batch=mixed-1&status=all')).toHaveLength(8)
  })

  it('a replayed old line never overrides a version observed after it', async () => {
    const d = byKey('TE-L-13')
    await ok('kantata', 'time_entry', ndjson([te('TE-L-13', { hours: '5' })]), 'batch=newer-13&observed_at=2026-03-11T00:00:00Z')
    const r = await replayOne(d.id, { raw: JSON.stringify(te('TE-L-13', { hours: '9' })) })
    expect(r.body.ok).toBe(true)
    const [row] = await sql<{ hours: string }>(`SELECT toString(hours) AS hours FROM cur_time_entry(kind = 'psa', as_of = now64(3)) WHERE key = 'TE-L-13'`)
    expect(row.hours).toBe('5')
  })
})

describe('idempotent batch ids', () => {
  const first = [te('TE-D-1', { hours: '1' }), te('TE-D-2', { hours: '2' }), te('TE-D-3', { hours: 99 })]
  const hoursOf = async () =>
    sql<{ key: string; hours: string }>(
      `SELECT key, toString(hours) AS hours FROM cur_time_entry(kind = 'erp', as_of = now64(3)) WHERE startsWith(key, 'TE-D-') ORDER BY key`,
    )

  it('answers duplicate with the original counts and changes nothing', async () => {
    const a = await ok('netsuite', 'time_entry', ndjson(first), 'batch=dup-1&observed_at=2026-03-01T00:00:00Z')
    expect(a).toMatchObject({ batch: 'dup-1', accepted: 2, rejected: 1, duplicate: false })
    const before = await hoursOf()
    expect(before).toEqual([
      { key: 'TE-D-1', hours: '1' },
      { key: 'TE-D-2', hours: '2' },
    ])
    // Same id, different content, later observation: nothing of it may land.
    const changed = [te('TE-D-1', { hours: '11' }), te('TE-D-4'), te('TE-D-5'), te('TE-D-6'), { key: 'TE-D-7' }]
    const b = await ok('netsuite', 'time_entry', ndjson(changed), 'batch=dup-1&observed_at=2026-03-05T00:00:00Z')
    expect(b).toEqual({ batch: 'dup-1', accepted: 2, rejected: 1, duplicate: true, errors: [] })
    expect(await hoursOf()).toEqual(before)
    expect(await records('netsuite', 'time_entry')).toBe(2)
    expect(await deadLetters('system=netsuite&batch=dup-1&status=all')).toHaveLength(1)
  })

  it('batch ids are unique per system: another entity of the system is a duplicate, another system is not', async () => {
    const otherEntity = await ok('netsuite', 'expense', ndjson([{ key: 'EX-1' }]), 'batch=dup-1')
    expect(otherEntity).toMatchObject({ duplicate: true, accepted: 2, rejected: 1 })
    expect(await deadLetters('system=netsuite&entity=expense&status=all')).toEqual([])
    const otherSystem = await ok('kantata', 'time_entry', ndjson([te('TE-D-K1')]), 'batch=dup-1')
    expect(otherSystem).toMatchObject({ duplicate: false, accepted: 1 })
  })

  it('Idempotency-Key works as the batch id', async () => {
    const headers = { 'idempotency-key': 'idem-42' }
    const a = await ok('netsuite', 'time_entry', ndjson([te('TE-D-I1')]), 'observed_at=2026-03-01T00:00:00Z', { headers })
    expect(a).toMatchObject({ batch: 'idem-42', accepted: 1, duplicate: false })
    const b = await ok('netsuite', 'time_entry', ndjson([te('TE-D-I2')]), '', { headers })
    expect(b).toMatchObject({ batch: 'idem-42', accepted: 1, duplicate: true })
    const c = await ok('netsuite', 'time_entry', ndjson([te('TE-D-I3')]), 'batch=idem-42')
    expect(c).toMatchObject({ batch: 'idem-42', duplicate: true })
    expect(await records('netsuite', 'time_entry')).toBe(3)
  })

  it('without a batch id every request is a new batch', async () => {
    const a = await ok('netsuite', 'time_entry', ndjson([te('TE-D-N1')]), '')
    const b = await ok('netsuite', 'time_entry', ndjson([te('TE-D-N1')]), '')
    expect(a.batch).not.toBe(b.batch)
    expect(b.duplicate).toBe(false)
  })

  it('the same batch id sent concurrently lands once', async () => {
    const body = ndjson([te('TE-D-C1'), te('TE-D-C2')])
    const results = await Promise.all([1, 2, 3].map(() => ok('netsuite', 'time_entry', body, 'batch=conc-1')))
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1)
    for (const r of results) expect(r.accepted).toBe(2)
    const [n] = await sql<{ n: string }>(
      `SELECT count() AS n FROM entity_time_entry WHERE key = 'TE-D-C1' AND batch_uid IN (SELECT batch_uid FROM batches WHERE batch_id = 'conc-1')`,
    )
    expect(Number(n.n)).toBe(1)
  })
})

describe('body formats ingest the same', () => {
  // Strings that a naive splitter would trip on: separators inside strings, escapes, non-ASCII
  // (split across chunk boundaries below), and a tab and newline that TSV must escape.
  const note = 'a, b ] } [ { "quoted" \\ back\\slash\ttab\nnewline é ü 日本 🚀'
  const texts = (n: number) => {
    const out: string[] = []
    for (let i = 1; i <= n; i++) {
      if (i % 97 === 0) out.push(`{"key":"X-${i}","hours":}`)
      else if (i % 89 === 0) out.push(JSON.stringify(te(`X-${i}`, { hours: -1 })))
      else out.push(JSON.stringify(te(`X-${i}`, { hours: String((i % 16) / 2 + 0.25), note, meta: { nested: [1, { b: ']' }], s: '{[' } })))
    }
    return out
  }
  const N = 3000
  const lines = texts(N)
  const nd = lines.join('\n') + '\n'
  const arr = '[\n  ' + lines.join(',\n  ') + '\n]\n'

  function inPieces(body: string, size: number): ReadableStream<Uint8Array> {
    const bytes = Buffer.from(body)
    let at = 0
    return new ReadableStream({
      pull(c) {
        if (at >= bytes.length) return c.close()
        c.enqueue(new Uint8Array(bytes.subarray(at, at + size)))
        at += size
      },
    })
  }

  const send = (system: string, body: BodyInit, headers: Record<string, string>) =>
    api(url, `/api/v1/ingest/${system}/time_entry?batch=fmt&observed_at=2026-03-03T00:00:00Z`, {
      method: 'POST',
      body,
      headers,
      duplex: 'half',
    } as RequestInit)

  const results: Record<string, any> = {}
  beforeAll(async () => {
    const ND = { 'content-type': 'application/x-ndjson' }
    const JS = { 'content-type': 'application/json' }
    const GZ = { 'content-encoding': 'gzip' }
    const sent = await Promise.all([
      send('fmt_nd', nd, ND),
      send('fmt_json', arr, JS),
      send('fmt_gz', gzipSync(nd), { ...ND, ...GZ }),
      send('fmt_gzjson', gzipSync(arr), { ...JS, ...GZ }),
      send('fmt_chunked', inPieces(nd, 997), ND),
      send('fmt_chunkedjson', inPieces(arr, 1013), JS),
    ])
    for (const [i, s] of ['fmt_nd', 'fmt_json', 'fmt_gz', 'fmt_gzjson', 'fmt_chunked', 'fmt_chunkedjson'].entries()) {
      expect(sent[i].status, `${s}: ${JSON.stringify(sent[i].body)}`).toBe(200)
      results[s] = sent[i].body
    }
  })

  it('answers the same counts and errors (line = element number for arrays)', () => {
    const bad = Math.floor(N / 97) + Math.floor(N / 89) - Math.floor(N / (97 * 89))
    const want = results.fmt_nd
    expect(want).toMatchObject({ accepted: N - bad, rejected: bad, duplicate: false })
    expect(want.errors.filter((e: any) => e.field === 'hours').map((e: any) => e.line)).toContain(89)
    expect(want.errors.filter((e: any) => e.field === '').map((e: any) => e.line)).toContain(97)
    for (const s of Object.keys(results)) expect(results[s], s).toEqual(want)
  })

  it('stores the same rows, with strings intact', async () => {
    const rows = async (system: string) =>
      sql<Record<string, string>>(
        `SELECT key, toString(hours) h, toString(bill_rate) r, status, toString(billable) b, toString(work_date) d, extra
         FROM entity_time_entry WHERE system = {s:String} AND batch_uid IN (SELECT batch_uid FROM batches) ORDER BY key`,
        { s: system },
      )
    const want = await rows('fmt_nd')
    expect(want).toHaveLength(results.fmt_nd.accepted)
    const x1 = want.find((r) => r.key === 'X-1')!
    expect(x1).toMatchObject({ h: '0.75', r: '150', status: 'approved', b: 'true', d: '2026-03-02' })
    expect(JSON.parse(x1.extra)).toEqual({ note, meta: { nested: [1, { b: ']' }], s: '{[' } })
    for (const s of Object.keys(results)) expect(await rows(s), s).toEqual(want)
    for (const s of Object.keys(results)) expect(await records(s, 'time_entry'), s).toBe(want.length)
  })

  it('dead-letters the same raw text whatever the framing', async () => {
    const raw = async (system: string) => (await deadLetters(`system=${system}&limit=1000`)).map((d) => [d.line, d.raw]).sort((a, b) => a[0] - b[0])
    const want = await raw('fmt_nd')
    expect(want[0]).toEqual([89, lines[88]])
    for (const s of Object.keys(results)) expect(await raw(s), s).toEqual(want)
  })
})

describe('exact decimals and extra fields', () => {
  it('stores money, rates and hours exactly', async () => {
    const body =
      [
        `{"key":"TE-X-1","resource_key":"E-1","project_key":"P-1","work_date":"2026-03-02","hours":"7.25","billable":true,"status":"approved","bill_rate":123.456789,"currency":"USD"}`,
        `{"key":"TE-X-2","resource_key":"E-1","project_key":"P-1","work_date":"2026-03-02","hours":0.1,"billable":true,"status":"approved","bill_rate":123456789012345678901234567890.12345678,"currency":"USD"}`,
        `{"key":"TE-X-3","resource_key":"E-1","project_key":"P-1","work_date":"2026-03-02","hours":"24","billable":false,"status":"draft","bill_rate":1e-7,"currency":"USD"}`,
        `{"key":"TE-X-4","resource_key":"E-1","project_key":"P-1","work_date":"2026-03-02","hours":7.30000000,"billable":false,"status":"draft","bill_rate":"0.30000000000000004","currency":"USD"}`,
        `{"key":"TE-X-5","resource_key":"E-1","project_key":"P-1","work_date":"2026-03-02","hours":"1","billable":false,"status":"draft","bill_rate":99.999999999,"currency":"USD"}`,
        `{"key":"TE-X-6","resource_key":"E-1","project_key":"P-1","work_date":"2026-03-02","hours":"1","billable":false,"status":"draft","bill_rate":"9007199254740993.5","currency":"USD"}`,
      ].join('\n') + '\n'
    const r = await ok('kantata', 'time_entry', body, 'batch=dec-1&observed_at=2026-03-04T00:00:00Z')
    expect(r).toMatchObject({ accepted: 4, rejected: 2 })
    expect(r.errors).toEqual([
      { line: 4, field: 'bill_rate', message: expect.stringMatching(/more than 8 decimal places/) },
      { line: 5, field: 'bill_rate', message: expect.stringMatching(/more than 8 decimal places/) },
    ])
    const rows = await sql<{ key: string; r: string; h: string }>(
      `SELECT key, toString(bill_rate) r, toString(hours) h FROM cur_time_entry(kind = 'psa', as_of = now64(3)) WHERE startsWith(key, 'TE-X-') ORDER BY key`,
    )
    expect(rows).toEqual([
      { key: 'TE-X-1', r: '123.456789', h: '7.25' },
      { key: 'TE-X-2', r: '123456789012345678901234567890.12345678', h: '0.1' },
      { key: 'TE-X-3', r: '0.0000001', h: '24' },
      { key: 'TE-X-6', r: '9007199254740993.5', h: '1' },
    ])
  })

  it('keeps unknown fields in extra as JSON text with exact numbers', async () => {
    const line =
      `{"key":"TE-X-9","resource_key":"E-1","project_key":"P-1","work_date":"2026-03-02","hours":"8","billable":true,"status":"approved",` +
      `"custom_ratio":0.1000000000000000055511151231257827,"big_id":12345678901234567890123,"nested":{"a":[1,"x",{"deep":3.14159265358979323846}]},"flag":false,"label":"R&D"}`
    const r = await ok('kantata', 'time_entry', line + '\n', 'batch=extra-1&observed_at=2026-03-04T00:00:00Z')
    expect(r.accepted).toBe(1)
    const [row] = await sql<{ extra: string }>(`SELECT extra FROM cur_time_entry(kind = 'psa', as_of = now64(3)) WHERE key = 'TE-X-9'`)
    expect(row.extra).toContain('0.1000000000000000055511151231257827')
    expect(row.extra).toContain('12345678901234567890123')
    expect(row.extra).toContain('3.14159265358979323846')
    const parsed = losslessParse(row.extra) as Record<string, any>
    expect(Object.keys(parsed).sort()).toEqual(['big_id', 'custom_ratio', 'flag', 'label', 'nested'])
    expect(isLosslessNumber(parsed.custom_ratio)).toBe(true)
    expect(parsed.custom_ratio.value).toBe('0.1000000000000000055511151231257827')
    expect(parsed.big_id.value).toBe('12345678901234567890123')
    expect(parsed.nested.a[2].deep.value).toBe('3.14159265358979323846')
    expect(parsed.flag).toBe(false)
    expect(parsed.label).toBe('R&D')
    // Known fields are not repeated in extra, and a record without unknown fields has none.
    expect(parsed.hours).toBeUndefined()
    const [plain] = await sql<{ extra: string }>(`SELECT extra FROM cur_time_entry(kind = 'psa', as_of = now64(3)) WHERE key = 'TE-X-1'`)
    expect(plain.extra).toBe('')
  })

  it('keeps numbers beyond the double range, and rejects them in typed columns by name', async () => {
    const base = `"resource_key":"E-1","project_key":"P-1","work_date":"2026-03-02","billable":true,"status":"approved"`
    const body =
      [
        `{"key":"TE-X-20",${base},"hours":"8","huge":1e400,"tiny":-2.5E-400}`,
        `{"key":"TE-X-21",${base},"hours":1e400}`,
        `{"key":"TE-X-22",${base},"hours":"1","bill_rate":1e-400}`,
      ].join('\n') + '\n'
    const r = await ok('kantata', 'time_entry', body, 'batch=extra-2&observed_at=2026-03-04T00:00:00Z')
    expect(r).toMatchObject({ accepted: 1, rejected: 2 })
    expect(r.errors).toEqual([
      { line: 2, field: 'hours', message: expect.stringMatching(/too large/) },
      { line: 3, field: 'bill_rate', message: expect.stringMatching(/more than 8 decimal places/) },
    ])
    const [row] = await sql<{ extra: string }>(`SELECT extra FROM cur_time_entry(kind = 'psa', as_of = now64(3)) WHERE key = 'TE-X-20'`)
    const parsed = losslessParse(row.extra) as Record<string, any>
    expect(parsed.huge.value).toBe('1e400')
    expect(parsed.tiny.value).toBe('-2.5E-400')
  })
})

describe('mode=full snapshots', () => {
  const project = (key: string, extra: Record<string, unknown> = {}) => ({ key, name: `Project ${key}`, status: 'active', billing_type: 'time_and_materials', ...extra })
  const keys = async () =>
    (await sql<{ key: string }>(`SELECT key FROM cur_project(kind = 'psa', as_of = now64(3)) WHERE startsWith(key, 'FS-') ORDER BY key`)).map((r) => r.key)
  const full = (body: string, q: string) => ok('kantata', 'project', body, `mode=full&${q}`)

  it('deletes only when the last part and every earlier part have landed, in any order', async () => {
    await ok('kantata', 'project', ndjson(['FS-1', 'FS-2', 'FS-3', 'FS-4', 'FS-5', 'FS-6'].map((k) => project(k))), 'batch=fs-seed&observed_at=2026-03-01T00:00:00Z')
    expect(await keys()).toEqual(['FS-1', 'FS-2', 'FS-3', 'FS-4', 'FS-5', 'FS-6'])

    // The last part arrives first: nothing may be deleted yet.
    const p2 = await full(
      ndjson([project('FS-3'), project('FS-4'), project('FS-5', { status: 'finished' })]),
      'batch=fs-s1-p2&snapshot=S1&part=2&last=true&observed_at=2026-03-02T00:00:00Z',
    )
    expect(p2).toMatchObject({ accepted: 2, rejected: 1, deleted: 0, snapshot: { id: 'S1', parts: 1, complete: false } })
    expect(await keys()).toEqual(['FS-1', 'FS-2', 'FS-3', 'FS-4', 'FS-5', 'FS-6'])
    expect(await records('kantata', 'project')).toBe(6)

    // Part 1 completes it. FS-5's line was rejected but its key was readable: it is present.
    const p1 = await full(ndjson([project('FS-1'), project('FS-2')]), 'batch=fs-s1-p1&snapshot=S1&part=1&observed_at=2026-03-02T00:00:00Z')
    expect(p1).toMatchObject({ accepted: 2, rejected: 0, deleted: 1, snapshot: { id: 'S1', parts: 2, complete: true } })
    expect(await keys()).toEqual(['FS-1', 'FS-2', 'FS-3', 'FS-4', 'FS-5'])
    expect(await records('kantata', 'project')).toBe(5)
    // As of before the snapshot, FS-6 was still there.
    expect(await records('kantata', 'project', '2026-03-01T12:00:00Z')).toBe(6)
  })

  it('waits for a missing middle part', async () => {
    const q = (part: number, last = false) => `batch=fs-s2-p${part}&snapshot=S2&part=${part}${last ? '&last=true' : ''}&observed_at=2026-03-03T00:00:00Z`
    const a = await full(ndjson([project('FS-1')]), q(1))
    expect(a).toMatchObject({ deleted: 0, snapshot: { complete: false } })
    const c = await full(ndjson([project('FS-3')]), q(3, true))
    expect(c).toMatchObject({ deleted: 0, snapshot: { parts: 2, complete: false } })
    expect(await keys()).toEqual(['FS-1', 'FS-2', 'FS-3', 'FS-4', 'FS-5'])
    const b = await full(ndjson([project('FS-2')]), q(2))
    expect(b).toMatchObject({ deleted: 2, snapshot: { parts: 3, complete: true } })
    expect(await keys()).toEqual(['FS-1', 'FS-2', 'FS-3'])
  })

  it('a single-request snapshot deletes at once; a re-sent part is a duplicate and deletes nothing more', async () => {
    const r = await full(ndjson([project('FS-1'), project('FS-2', { status: 'bogus' })]), 'batch=fs-single&observed_at=2026-03-04T00:00:00Z')
    expect(r).toMatchObject({ accepted: 1, rejected: 1, deleted: 1 })
    expect(await keys()).toEqual(['FS-1', 'FS-2'])
    const again = await full(ndjson([]), 'batch=fs-single&observed_at=2026-03-04T00:00:00Z')
    expect(again).toMatchObject({ duplicate: true, accepted: 1, rejected: 1 })
    expect(await keys()).toEqual(['FS-1', 'FS-2'])
  })

  it('does not delete a key whose winning version is newer than the snapshot', async () => {
    await ok('kantata', 'project', ndjson([project('FS-7')]), 'batch=fs-newer&observed_at=2026-03-06T00:00:00Z')
    const r = await full(ndjson([project('FS-1')]), 'batch=fs-older-snap&observed_at=2026-03-05T00:00:00Z')
    expect(r.deleted).toBe(1) // FS-2
    expect(await keys()).toEqual(['FS-1', 'FS-7'])
  })

  it('0-based parts sent in order work too', async () => {
    const q = (part: number, last = false) => `batch=fs-s3-p${part}&snapshot=S3&part=${part}${last ? '&last=true' : ''}&observed_at=2026-03-07T00:00:00Z`
    expect(await full(ndjson([project('FS-1')]), q(0))).toMatchObject({ deleted: 0, snapshot: { complete: false } })
    expect(await full(ndjson([project('FS-8')]), q(1, true))).toMatchObject({ deleted: 1, snapshot: { parts: 2, complete: true } })
    expect(await keys()).toEqual(['FS-1', 'FS-8'])
  })

  it('parts sent at the same time complete the snapshot', async () => {
    const q = (part: number, last = false) => `batch=fs-s4-p${part}&snapshot=S4&part=${part}${last ? '&last=true' : ''}&observed_at=2026-03-08T00:00:00Z`
    const many = (prefix: string) => Array.from({ length: 2000 }, (_, i) => project(`FS-${prefix}-${String(i).padStart(4, '0')}`))
    const [a, b] = await Promise.all([
      full(ndjson([project('FS-1'), ...many('A')]), q(1)),
      full(ndjson([project('FS-9'), ...many('B')]), q(2, true)),
    ])
    expect([a.snapshot.complete, b.snapshot.complete]).toContain(true)
    expect(a.deleted + b.deleted).toBe(1)
    const k = await keys()
    expect(k).toHaveLength(4002)
    expect(k).not.toContain('FS-8')
    expect(k).toContain('FS-9')
  })
})

describe('tombstones and which version wins', () => {
  const account = (key: string, name: string, extra: Record<string, unknown> = {}) => ({ key, name, ...extra })
  const names = async () =>
    Object.fromEntries(
      (await sql<{ key: string; name: string }>(`SELECT key, name FROM cur_account(kind = 'crm', as_of = now64(3)) WHERE startsWith(key, 'AC-')`)).map((r) => [
        r.key,
        r.name,
      ]),
    )
  const delta = (records: object[], batch: string, observed: string) =>
    ok('salesforce', 'account', ndjson(records), `batch=${batch}&observed_at=${observed}`)

  it('a tombstone in a delta batch removes the key; an older tombstone does not', async () => {
    await delta([account('AC-1', 'one'), account('AC-2', 'two'), account('AC-3', 'three')], 'ac-seed', '2026-03-01T00:00:00Z')
    const t = await delta([{ key: 'AC-2', deleted: true }], 'ac-tomb', '2026-03-02T00:00:00Z')
    expect(t).toMatchObject({ accepted: 1, rejected: 0 })
    expect(await names()).toEqual({ 'AC-1': 'one', 'AC-3': 'three' })
    expect(await records('salesforce', 'account')).toBe(2)
    await delta([{ key: 'AC-3', deleted: true }], 'ac-old-tomb', '2026-02-01T00:00:00Z')
    expect(await names()).toEqual({ 'AC-1': 'one', 'AC-3': 'three' })
    // A tombstone needs only a key, but a key it needs.
    const bad = await delta([{ deleted: true }], 'ac-bad-tomb', '2026-03-02T00:00:00Z')
    expect(bad).toMatchObject({ accepted: 0, rejected: 1, errors: [{ field: 'key' }] })
    // A later version brings the key back.
    await delta([account('AC-2', 'two again')], 'ac-back', '2026-03-03T00:00:00Z')
    expect((await names())['AC-2']).toBe('two again')
  })

  it('a delta observed earlier than the current version does not overwrite it', async () => {
    await delta([account('AC-10', 'newer')], 'ac-10-new', '2026-03-05T00:00:00Z')
    const r = await delta([account('AC-10', 'older')], 'ac-10-old', '2026-03-04T00:00:00Z')
    expect(r.accepted).toBe(1)
    expect((await names())['AC-10']).toBe('newer')
  })

  it('on the same observed_at the later updated_at wins, whatever the arrival order', async () => {
    const T = '2026-03-06T00:00:00Z'
    await delta([account('AC-11', 'updated later', { updated_at: '2026-03-05T10:00:00Z' })], 'ac-11-a', T)
    await delta([account('AC-11', 'updated earlier', { updated_at: '2026-03-05T09:00:00Z' })], 'ac-11-b', T)
    await delta([account('AC-12', 'updated earlier', { updated_at: '2026-03-05T09:00:00Z' })], 'ac-12-a', T)
    await delta([account('AC-12', 'updated later', { updated_at: '2026-03-05T11:00:00+01:00' })], 'ac-12-b', T)
    const n = await names()
    expect(n['AC-11']).toBe('updated later')
    expect(n['AC-12']).toBe('updated later')
  })

  it('a missing updated_at loses the tie', async () => {
    const T = '2026-03-07T00:00:00Z'
    await delta([account('AC-13', 'with', { updated_at: '2020-01-01T00:00:00Z' })], 'ac-13-a', T)
    await delta([account('AC-13', 'without')], 'ac-13-b', T)
    await delta([account('AC-14', 'without')], 'ac-14-a', T)
    await delta([account('AC-14', 'with', { updated_at: '2020-01-01T00:00:00Z' })], 'ac-14-b', T)
    const n = await names()
    expect(n['AC-13']).toBe('with')
    expect(n['AC-14']).toBe('with')
  })

  it('on a full tie the later arrival wins, across batches and within one', async () => {
    const T = '2026-03-08T00:00:00Z'
    await delta([account('AC-15', 'first')], 'ac-15-a', T)
    await delta([account('AC-15', 'second')], 'ac-15-b', T)
    await delta([account('AC-16', 'line 1'), account('AC-16', 'line 2')], 'ac-16', T)
    const n = await names()
    expect(n['AC-15']).toBe('second')
    expect(n['AC-16']).toBe('line 2')
  })

  it('observed_at defaults to the time received', async () => {
    const before = Date.now()
    await ok('salesforce', 'account', ndjson([account('AC-20', 'now')]), 'batch=ac-20')
    const [row] = await sql<{ t: string }>(
      `SELECT toUnixTimestamp64Milli(observed_at) AS t FROM entity_account WHERE key = 'AC-20'`,
    )
    expect(Number(row.t)).toBeGreaterThanOrEqual(before - 1)
    expect(Number(row.t)).toBeLessThanOrEqual(Date.now() + 1)
  })
})
