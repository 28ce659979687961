// Pure pieces of the model and ingest path.
import { isLosslessNumber, parse as losslessParse } from 'lossless-json'
import { describe, expect, it } from 'vitest'
import { normalizeDecimal, isCalendarDate, parseDatetime } from '../server/model/fields.ts'
import { validateRecord } from '../server/ingest/validate.ts'
import { jsonArrayRecords, ndjsonRecords } from '../server/ingest/records.ts'
import { toClusterDdl } from '../server/db/migrate.ts'
import { hasInexactNumber } from '../server/ingest/row-codec.ts'
import { checkValue, Bad } from '../server/model/check.ts'
import { LineBuffer, LineBufferPool } from '../server/db/line-buffer.ts'
import { parseConfig } from '../server/config/load.ts'

async function collect(gen: AsyncIterable<Array<{ line: number; text: string }>>) {
  const out: Array<{ line: number; text: string }> = []
  for await (const recs of gen) out.push(...recs)
  return out
}
/** The numbers of a JSON text as written (strings holding digits are not numbers). */
function numbersIn(text: string): string[] {
  const out: string[] = []
  const walk = (v: unknown): void => {
    if (isLosslessNumber(v)) out.push(v.value)
    else if (v && typeof v === 'object') Object.values(v).forEach(walk)
  }
  walk(losslessParse(text))
  return out
}
const chunks = (...parts: string[]) => (async function* () {
  for (const p of parts) yield Buffer.from(p)
})()

describe('decimals', () => {
  it.each([
    ['1.10', '1.1'], ['0010', '10'], ['-0.0', '0'], ['1e3', '1000'], ['1.5E-3', '0.0015'], ['-12.3400', '-12.34'], ['0', '0'],
  ])('%s → %s', (a, b) => expect(normalizeDecimal(a)).toBe(b))
  it.each(['1.2.3', 'abc', '', '1e', '--1'])('rejects %s', (a) => expect(normalizeDecimal(a)).toBeNull())

  it('keeps money exact through a record, even past a double', () => {
    const r = validateRecord('opportunity', '{"key":"O1","account_key":"A","name":"n","stage":"s","amount":12345678901234.56789012,"currency":"USD","close_date":"2026-01-01","is_won":true,"is_closed":true}')
    expect(r.ok).toBe(true)
    if (r.ok) expect(r.values.split('\t')).toContain('12345678901234.56789012')
  })

  it.each([
    ['{"a":1234567890123456}', true], ['{"a":0.10000000000000001}', true], ['{"a":1e400}', true], ['{"a":-2E-5}', true],
    ['{"a":123456789012345}', false], ['{"a":"12345678901234567890"}', false], ['{"a":"1e400","b":12.5}', false],
    ['{"a":"say \\"hi\\" 1e9","b":1}', false], ['{"a":"ends in a backslash \\\\","b":12345678901234567}', true],
    ['[1,2,3]', false],
  ])('%s holds a number a double may not keep: %s', (text, inexact) => {
    expect(hasInexactNumber(text)).toBe(inexact)
    // What the scan promises when it finds nothing: a double keeps every number of the text.
    if (!inexact) for (const n of numbersIn(text)) expect(normalizeDecimal(String(Number(n))), n).toBe(normalizeDecimal(n))
  })

  it('escapes tabs, newlines and backslashes of string values for TabSeparated, and only those', () => {
    const rec = (native: string) => `{"key":"T","native_id":${JSON.stringify(native)},"resource_key":"R","project_key":"P","work_date":"2026-03-02","hours":1,"billable":true,"status":"approved"}`
    const escaped = validateRecord('time_entry', rec('a\tb\nc\\d "q"'))
    const plain = validateRecord('time_entry', rec('plain "q" é'))
    expect(escaped.ok && plain.ok).toBe(true)
    if (escaped.ok) expect(escaped.values.split('\t')[1]).toBe('a\\tb\\nc\\\\d "q"')
    if (plain.ok) expect(plain.values.split('\t')[1]).toBe('plain "q" é')
  })

  it('names the field and the problem', () => {
    const r = validateRecord('time_entry', '{"key":"T","resource_key":"R","project_key":"P","work_date":"2026-02-30","hours":25,"billable":"yes","status":"done"}')
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.errors).toEqual([
        { field: 'work_date', message: 'expected a date YYYY-MM-DD' },
        { field: 'hours', message: 'must be more than 0 and at most 24' },
        { field: 'billable', message: 'expected true or false' },
        { field: 'status', message: 'expected one of draft, submitted, approved, rejected' },
      ])
  })
})

describe('fx rates', () => {
  it('takes a rate above 0 and up to 10^7, and names the field otherwise', () => {
    const fx = (rate: string) => validateRecord('fx_rate', `{"key":"X","currency":"IRR","rate_date":"2026-01-01","rate":${rate}}`)
    expect(fx('"0.00002375"').ok).toBe(true)
    expect(fx('"10000000"').ok).toBe(true)
    for (const bad of ['"0"', '"-1"', '"10000000.00000001"', '"99999999999999999999999999999.5"']) {
      const r = fx(bad)
      expect(r.ok, bad).toBe(false)
      if (!r.ok) expect(r.errors.map((e) => e.field), bad).toEqual(['rate'])
    }
  })
})

describe('dates', () => {
  it('knows the calendar', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true)
    expect(isCalendarDate('2026-02-29')).toBe(false)
    expect(isCalendarDate('2026-13-01')).toBe(false)
  })
  it.each([
    ['2026-06-30T12:00:00Z', '2026-06-30 12:00:00.000'], ['2026-06-30T12:00:00.5Z', '2026-06-30 12:00:00.500'],
    ['2026-06-30T12:00:00.123Z', '2026-06-30 12:00:00.123'], ['2026-06-30T12:00:00.123456Z', '2026-06-30 12:00:00.123'],
    ['2026-06-30T14:00:00+02:00', '2026-06-30 12:00:00.000'], ['2026-06-30T12:00Z', '2026-06-30 12:00:00.000'],
  ])('stores datetime %s as %s', (v, stored) => expect(checkValue({ t: 'datetime' }, v)).toBe(stored))
  it.each(['2026-06-31T12:00:00Z', '2026-06-30T12:60:00Z', '2026-06-30 12:00:00Z', '2026-06-30T12:00:00', '2026-6-30T12:00:00Z'])(
    'refuses datetime %s',
    (v) => expect(checkValue({ t: 'datetime' }, v)).toBeInstanceOf(Bad),
  )
  it.each(['2026-1-01', '2026/01/01', '20260101xx', '2026-00-10', '2026-04-31', 'abcd-01-01'])('refuses date %s', (v) => expect(isCalendarDate(v)).toBe(false))

  it('takes offsets and refuses local times', () => {
    expect(parseDatetime('2026-06-30T14:00:00+02:00')?.toISOString()).toBe('2026-06-30T12:00:00.000Z')
    expect(parseDatetime('2026-06-30T12:00:00')).toBeNull()
  })
})

describe('line buffer', () => {
  it('writes ASCII and non-ASCII rows as UTF-8, growing as needed', () => {
    const b = new LineBuffer(8)
    b.push('plain\trow')
    b.push('Zoë – ü 日本')
    b.push('x'.repeat(100))
    expect(b.lines).toBe(3)
    expect(b.bytes().toString('utf8')).toBe(`plain\trow\nZoë – ü 日本\n${'x'.repeat(100)}\n`)
    b.clear()
    b.push('again')
    expect([b.lines, b.bytes().toString()]).toEqual([1, 'again\n'])
  })
  it('keeps at most max buffers and hands a released one to the next request', async () => {
    const pool = new LineBufferPool(2, 16)
    const a = await pool.acquire()
    const b = await pool.acquire()
    a.push('used')
    pool.release(a)
    expect(await pool.acquire()).toBe(a)
    expect(a.byteLength).toBe(0)
    const extra = await pool.acquire() // both pooled ones are held: one of its own
    expect([extra === a, extra === b]).toEqual([false, false])
    pool.release(extra) // dropped: the pool stays at its size
    pool.release(b)
    expect(await pool.acquire()).toBe(b)
    expect(await pool.acquire()).not.toBe(extra)
  })
  it('never makes a request wait for a buffer that stalled holders keep (no timer involved)', async () => {
    const pool = new LineBufferPool(1, 16)
    await pool.acquire() // held by a client that stopped sending
    let got: LineBuffer | null = null
    void pool.acquire().then((x) => (got = x))
    await Promise.resolve()
    await Promise.resolve()
    expect(got).not.toBeNull()
  })
})

describe('framing', () => {
  it('splits NDJSON across chunk boundaries, counting blank lines and CRLF', async () => {
    const recs = await collect(ndjsonRecords(chunks('{"a":1}\r\n\n{"b"', ':2}\n{"c":3}')))
    expect(recs).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 3, text: '{"b":2}' },
      { line: 4, text: '{"c":3}' },
    ])
  })
  it('splits a JSON array with strings holding brackets and commas', async () => {
    const recs = await collect(jsonArrayRecords(chunks('[{"k":"a,]}"}', ', {"k":"\\"["}', ']')))
    expect(recs.map((r) => JSON.parse(r.text).k)).toEqual(['a,]}', '"['])
  })
  it('refuses what is not an array', async () => {
    await expect(collect(jsonArrayRecords(chunks('{"a":1}')))).rejects.toThrow(/not a JSON array/)
  })
})

describe('cluster DDL', () => {
  it('adds ON CLUSTER and replicated engines', () => {
    const ddl = toClusterDdl('CREATE TABLE IF NOT EXISTS t\n(\n  a String\n)\nENGINE = ReplacingMergeTree(v)\nORDER BY a', 'main')
    expect(ddl).toContain("CREATE TABLE IF NOT EXISTS t ON CLUSTER 'main'")
    expect(ddl).toContain("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', v)")
    expect(toClusterDdl('CREATE VIEW IF NOT EXISTS v AS SELECT 1', 'c')).toContain("CREATE VIEW IF NOT EXISTS v ON CLUSTER 'c'")
    expect(toClusterDdl('-- why\nCREATE OR REPLACE VIEW cur_x AS\nSELECT 1', 'c')).toContain("CREATE OR REPLACE VIEW cur_x ON CLUSTER 'c' AS")
  })
})

describe('config', () => {
  it('names the bad field', () => {
    expect(() => parseConfig({ sources: [{ system: 'x', kind: 'bank' }] }, 'c.yaml')).toThrow(
      'Invalid config in c.yaml: sources[0].kind: expected one of crm, erp, psa, hr.',
    )
    expect(() => parseConfig({ rules: { time_entry_hours_mismatch: { tolerance_hour: 1 } } })).toThrow(/rules\.time_entry_hours_mismatch.*tolerance_hour/)
    expect(() => parseConfig({ sources: [{ system: 'a', kind: 'crm' }, { system: 'a', kind: 'erp' }] })).toThrow(/declared twice/)
    // Thresholds the engine's dates cannot hold are refused, by name, not failed at detection.
    expect(() => parseConfig({ rules: { time_entry_missing_in_erp: { min_age_hours: 1e300 } } })).toThrow(/rules\.time_entry_missing_in_erp\.min_age_hours/)
    expect(() => parseConfig({ rules: { unbilled_time_over_90_days: { max_age_days: 1e6 } } })).toThrow(/rules\.unbilled_time_over_90_days\.max_age_days/)
    expect(() => parseConfig({ sla_hours: { critical: 1e300 } })).toThrow(/sla_hours\.critical/)
    expect(parseConfig({ rules: { time_entry_missing_in_erp: { min_age_hours: 87_600 } }, sla_hours: { low: 8_760 } }).sla_hours.low).toBe(8_760)
  })
})
