// Hostile lines at the ingest codec and framing, without a server (issue 18): values the columns
// cannot hold, nesting that would overflow a parser, duplicate keys, text that is not Unicode,
// byte-order marks, a flood of rejects, and engine errors that quote rows. Every check runs on
// both line paths: the learnt line shapes (fast-line-shape.ts) and JSON.parse (row-codec.ts).
import { describe, expect, it } from 'vitest'
import { compileCodec, type Encoded } from '../server/ingest/row-codec.ts'
import { withLineShapes } from '../server/ingest/fast-line-shape.ts'
import { jsonArrayRecords, ndjsonRecords, type RawRecord } from '../server/ingest/records.ts'
import { MAX_DEAD_LETTERS, Rejects } from '../server/ingest/rejects.ts'
import { ingestBatch } from '../server/ingest/pipeline.ts'
import type { Db } from '../server/db/client.ts'

const te = (i: number, over: Record<string, unknown> = {}) => ({
  key: `TE-${i}`, resource_key: 'E00001', project_key: 'PRJ-00001', work_date: '2026-01-05', hours: 7.5,
  billable: true, status: 'approved', bill_rate: 150.25, currency: 'USD', approved_at: '2026-01-05T18:00:00.000Z', ...over,
})
const line = (o: object) => JSON.stringify(o)

/** Encodes `l` on the plain path and on a codec that has learnt the usual shapes; both must agree. */
function bothPaths(l: string): Encoded {
  const slow = compileCodec('time_entry')
  const fast = withLineShapes(compileCodec('time_entry'))
  for (let i = 0; i < 50; i++) fast.encode(line(te(i)))
  expect(fast.fastReads).toBeGreaterThan(40)
  const a = slow.encode(l)
  expect(fast.encode(l)).toEqual(a)
  return a
}

const rejected = (v: Encoded) => {
  expect(v.ok, JSON.stringify(v)).toBe(false)
  return v as Extract<Encoded, { ok: false }>
}

describe('values outside what the columns hold are rejected, naming the field and the range', () => {
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['work_date in year 0000', { work_date: '0000-01-01' }, 'work_date', /1970-01-01 to 2149-06-06/],
    ['work_date after 2149-06-06', { work_date: '2200-01-01' }, 'work_date', /1970-01-01 to 2149-06-06/],
    ['work_date the day after the last', { work_date: '2149-06-07' }, 'work_date', /2149-06-06/],
    ['approved_at in year 0000, Z', { approved_at: '0000-01-01T00:00:00Z' }, 'approved_at', /1900-01-01T00:00:00Z to 2299-12-31T23:59:59.999Z/],
    ['approved_at 9999 with an offset past the year', { approved_at: '9999-12-31T23:59:59-23:59' }, 'approved_at', /1900-01-01/],
    ['approved_at in year 0000 with an offset', { approved_at: '0000-01-01T00:30:00+01:00' }, 'approved_at', /2299-12-31/],
    ['approved_at in 2300', { approved_at: '2300-01-01T00:00:00Z' }, 'approved_at', /2299/],
  ]
  for (const [name, over, field, range] of cases)
    it(name, () => {
      const v = rejected(bothPaths(line(te(900, over))))
      expect(v.errors).toEqual([{ field, message: expect.stringMatching(range) }])
      expect(v.key).toBe('TE-900')
    })

  it('keeps the edges of the ranges', () => {
    for (const over of [{ work_date: '1970-01-01' }, { work_date: '2149-06-06' }, { approved_at: '1900-01-01T00:00:00Z' }, { approved_at: '2299-12-31T23:59:59.999Z' }, { approved_at: '2299-12-31T22:59:59-01:00' }])
      expect(bothPaths(line(te(901, over))).ok, JSON.stringify(over)).toBe(true)
  })
})

describe('lines that used to throw out of the codec', () => {
  it('an unknown field nested 10,000 levels deep is a rejected line naming the field', () => {
    const deep = line(te(902)).slice(0, -1) + ',"tags":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}'
    const v = rejected(bothPaths(deep))
    expect(v.errors).toEqual([{ field: 'tags', message: 'is nested deeper than 64 levels' }])
    expect(v.key).toBe('TE-902')
  })

  it('the same with an exponent in the line (the lossless parser recurses too)', () => {
    const deep = line(te(903)).slice(0, -1) + ',"n":1e5,"tags":' + '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000) + '}'
    expect(rejected(bothPaths(deep)).errors[0].field).toBe('tags')
  })

  it('nesting up to the limit is kept in extra', () => {
    const ok = line(te(904)).slice(0, -1) + ',"tags":' + '['.repeat(63) + ']'.repeat(63) + '}'
    expect(bothPaths(ok).ok).toBe(true)
  })
})

describe('duplicate keys are rejected on every path, naming the key', () => {
  const cases: Record<string, string> = {
    plain: line(te(910)).replace('"hours":', '"hours":1,"hours":'),
    'same value twice': line(te(911)).replace('"hours":7.5', '"hours":7.5,"hours":7.5'),
    'with an exponent': line(te(912)).replace('"hours":', '"hours":1e0,"hours":'),
    'with an exponent, same value twice': line(te(913)).replace('"hours":7.5', '"hours":7.5,"hours":7.5,"n":1e3'),
    'with a long number': line(te(914)).replace('"hours":', '"hours":1,"big":12345678901234567890,"hours":'),
    'written with an escape': line(te(915)).replace('"hours":', '"h\\u006furs":2,"hours":'),
  }
  for (const [name, l] of Object.entries(cases))
    it(name, () => {
      const v = rejected(bothPaths(l))
      expect(v.errors).toEqual([{ field: 'hours', message: expect.stringMatching(/more than once.*'hours'/) }])
      expect(v.key).toMatch(/^TE-91/)
    })

  it('inside an unknown field', () => {
    const v = rejected(bothPaths(line(te(916)).slice(0, -1) + ',"meta":{"a":1,"a":1}}'))
    expect(v.errors[0].field).toBe('a')
  })

  it('a duplicated key field leaves the key unread', () => {
    expect(rejected(bothPaths(line(te(917)).replace('"key":"TE-917"', '"key":"TE-917","key":"TE-918"'))).key).toBeNull()
  })
})

describe('text that is not Unicode', () => {
  it('a lone surrogate in a key is rejected naming the key', () => {
    const v = rejected(bothPaths(line(te(920)).replace('"TE-920"', '"TE-\\ud800"')))
    expect(v.errors).toEqual([{ field: 'key', message: expect.stringMatching(/not valid Unicode/) }])
    expect(v.key).toBeNull()
  })

  it('a lone surrogate in another string field too; a surrogate pair is fine', () => {
    expect(rejected(bothPaths(line(te(921)).replace('"PRJ-00001"', '"P\\udc00"'))).errors[0].field).toBe('project_key')
    expect(bothPaths(line(te(922)).replace('"PRJ-00001"', '"P\\ud83d\\ude00"')).ok).toBe(true)
  })
})

async function collect(gen: AsyncIterable<RawRecord[]>): Promise<RawRecord[]> {
  const out: RawRecord[] = []
  for await (const recs of gen) out.push(...recs)
  return out
}
async function* chunks(...parts: Buffer[]) {
  for (const p of parts) yield p
}
const bytes = (s: string) => Buffer.from(s, 'utf8')
const BOM = Buffer.from([0xef, 0xbb, 0xbf])

describe('framing: byte-order marks and invalid UTF-8', () => {
  const good = line(te(930))

  it('a BOM before the first NDJSON line is dropped, also when split over chunks', async () => {
    for (const parts of [[Buffer.concat([BOM, bytes(good + '\n')])], [BOM.subarray(0, 1), BOM.subarray(1), bytes(good + '\n' + good)]]) {
      const recs = await collect(ndjsonRecords(chunks(...parts)))
      expect(recs[0]).toEqual({ line: 1, text: good })
      expect(compileCodec('time_entry').encode(recs[0].text).ok).toBe(true)
    }
  })

  it('a BOM alone in the last line, and one not at the start, are left as they are', async () => {
    expect(await collect(ndjsonRecords(chunks(Buffer.concat([BOM, bytes(good)]))))).toEqual([{ line: 1, text: good }])
    const [, second] = await collect(ndjsonRecords(chunks(bytes(good + '\n'), Buffer.concat([BOM, bytes(good + '\n')]))))
    expect(second.text.charCodeAt(0)).toBe(0xfeff)
  })

  it('invalid bytes in a key reject the line naming the key; its neighbours and a real U+FFFD pass', async () => {
    const bad = (tail: number[]) => Buffer.concat([bytes('{"key":"TE-'), Buffer.from(tail), bytes('","hours":1}\n')])
    const body = Buffer.concat([bytes(good + '\n'), bad([0xff]), bad([0xc3]), bytes(line(te(931, { native_id: 'a\ufffdb' })) + '\n')])
    const recs = await collect(ndjsonRecords(chunks(body)))
    expect(recs.map((r) => [r.line, r.field ?? null])).toEqual([[1, null], [2, 'key'], [3, 'key'], [4, null]])
    expect(recs[1].error).toMatch(/^key: is not valid UTF-8/)
    expect(recs[1].key).toBeUndefined()
  })

  it('a character cut between chunks is not invalid; a cut sequence that never ends is', async () => {
    const text = bytes(line(te(932, { native_id: 'Zürich 😀' })) + '\n')
    for (let cut = 1; cut < text.length; cut++) {
      const recs = await collect(ndjsonRecords(chunks(text.subarray(0, cut), text.subarray(cut))))
      expect(recs, `cut at ${cut}`).toEqual([{ line: 1, text: text.toString().trim() }])
    }
    const truncated = await collect(ndjsonRecords(chunks(bytes('{"key":"TE-1","native_id":"'), Buffer.from([0xf0, 0x9f]))))
    expect(truncated[0].error).toMatch(/not valid UTF-8/)
  })

  it('JSON arrays: a BOM is skipped, invalid bytes reject their element only', async () => {
    const body = Buffer.concat([BOM, bytes(`[${good},{"key":"TE-`), Buffer.from([0xfe]), bytes(`","hours":1},${good}]`)])
    const recs = await collect(jsonArrayRecords(chunks(body.subarray(0, 40), body.subarray(40))))
    expect(recs.map((r) => r.field ?? null)).toEqual([null, 'key', null])
  })
})

/** A Db whose writes are recorded (or fail), for the pipeline without an engine. */
function fakeDb(insert: (table: string, values: unknown) => Promise<void>): Db {
  return {
    engine: 'clickhouse',
    client: {
      query: async () => ({ json: async () => [] }),
      insert: async (a: { table: string; values: unknown }) => insert(a.table, a.values),
      command: async () => {},
    },
  } as unknown as Db
}

describe('dead letters of one batch are capped', () => {
  it(`keeps ${MAX_DEAD_LETTERS} and a summary, counts the rest, and never holds more than a chunk`, async () => {
    const written: number[] = []
    const rows: Array<Record<string, unknown>> = []
    const db = fakeDb(async (_t, values) => {
      written.push((values as unknown[]).length)
      rows.push(...(values as Array<Record<string, unknown>>))
    })
    const rejects = new Rejects(db, { system: 's', entity: 'time_entry', batchId: 'b', batchUid: 'u', observedAt: '2026-01-01 00:00:00.000', receivedAt: '2026-01-01 00:00:00.000000' })
    const v = { ok: false as const, key: null, reason: 'malformed JSON', errors: [{ field: '', message: 'malformed JSON' }] }
    const lines = 30_000
    for (let i = 1; i <= lines; i++) {
      rejects.add({ line: i, text: 'x' }, v)
      if (rejects.full) await rejects.flush()
    }
    await rejects.finish()
    expect(rejects.count).toBe(lines)
    expect(rows.length).toBe(MAX_DEAD_LETTERS + 1)
    expect(Math.max(...written)).toBeLessThanOrEqual(2_000)
    const summary = rows[rows.length - 1]
    expect(summary.line).toBe(MAX_DEAD_LETTERS + 1)
    expect(summary.reason).toMatch(/20,000 more rejected lines \(lines 10001–30000\).*at most 10,000/)
    expect(rejects.errors.length).toBe(101)
    expect(rejects.errors[100].message).toBe(summary.reason)
  })
})

describe('a failed write never carries row contents', () => {
  it('the error out of the pipeline is the engine error without the rows it quoted', async () => {
    const secret = 'TE-SECRET-ROW-CONTENT'
    const db = fakeDb(async () => {
      const e = Object.assign(
        new Error(`Code: 27. DB::Exception: Cannot parse input: expected '\\t' before: '${secret}\\tE00001': (at row 1)\nRow 1:\nColumn 2, name: key, type: String, parsed text: "${secret}"`),
        { code: '27', type: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED' },
      )
      throw e
    })
    async function* records() {
      yield Array.from({ length: 25_001 }, (_, i) => ({ line: i + 1, text: line(te(i, { key: `${secret}-${i}` })) }))
    }
    const req = { system: 'kantata', kind: 'psa' as const, entity: 'time_entry' as const, batchId: 'redact-1', mode: 'delta' as const, observedAt: '2026-01-01 00:00:00.000', snapshotId: null, part: null, last: false, source: 'api' as const }
    const err = await ingestBatch(db, req, records()).then(() => null, (e: unknown) => e as Error & { type?: string; code?: string })
    expect(err).toBeInstanceOf(Error)
    expect(`${err!.message}\n${err!.stack}`).not.toContain(secret)
    expect(err!.message).toMatch(/^Code: 27\. DB::Exception: Cannot parse input/)
    // What the storage-failure mapping reads is kept.
    expect(err!.type).toBe('CANNOT_PARSE_INPUT_ASSERTION_FAILED')
    expect(err!.code).toBe('27')
  })
})
