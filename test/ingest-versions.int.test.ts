// Line-level ingest (CONTRACT §2–3): body formats, exact decimals and extra fields, full
// snapshots over several parts, tombstones, and which version wins.
import { gzipSync } from 'node:zlib'
import { parse as losslessParse, isLosslessNumber } from 'lossless-json'
import { beforeAll, describe, expect, it } from 'vitest'
import { api, ingest, ndjson } from './helpers/server.ts'
import { deadLetters, ok, records, sql, te, useLinesServer } from './helpers/ingest-lines.ts'

const ctx = useLinesServer()

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
    api(ctx.url(), `/api/v1/ingest/${system}/time_entry?batch=fmt&observed_at=2026-03-03T00:00:00Z`, {
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
