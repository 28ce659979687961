// Hostile ingest bodies on a real server (issue 18, defects 3, 4, 8, 15, 16, 17): a bad record
// is a rejected line with its field named, never a failed batch; values the columns cannot hold
// are rejected, not changed; a flood of rejects is capped; a byte-order mark is no part of a
// record; bytes that are not UTF-8 and duplicate keys are rejected naming the field.
import crypto from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { ADMIN, api, ingest } from './helpers/server.ts'
import { deadLetters, sql, te, useLinesServer } from './helpers/ingest-lines.ts'

const { url } = useLinesServer()
const line = (o: object) => JSON.stringify(o)
const goodTwo = (p: string) => [line(te(`${p}-1`)), line(te(`${p}-2`))]

async function send(body: string | Buffer, query: string, headers: Record<string, string> = {}) {
  const r = await ingest(url(), 'kantata', 'time_entry', body as string, query, { headers })
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body
}
const storedKeys = async (prefix: string) =>
  (await sql<{ key: string }>(`SELECT key FROM entity_time_entry WHERE startsWith(key, {p:String}) AND batch_uid IN (SELECT batch_uid FROM batches) ORDER BY key`, { p: prefix })).map((r) => r.key)

describe('a bad record fails its line, not the batch (defect 3)', () => {
  const bad: Record<string, (k: string) => string> = {
    'approved_at past year 9999 by its offset': (k) => line(te(k, { approved_at: '9999-12-31T23:59:59-23:59' })),
    'approved_at in year 0000 with an offset': (k) => line(te(k, { approved_at: '0000-01-01T00:00:00+01:00' })),
    'an unknown field nested 10,000 levels deep': (k) => line(te(k)).slice(0, -1) + ',"tags":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}',
  }
  let n = 0
  for (const [name, make] of Object.entries(bad))
    it(name, async () => {
      const p = `TE-H3-${++n}`
      const batch = `hostile-3-${n}`
      const r = await send([...goodTwo(p), make(`${p}-3`)].join('\n') + '\n', `batch=${batch}`)
      expect(r).toMatchObject({ accepted: 2, rejected: 1, duplicate: false })
      const field = name.startsWith('an unknown') ? 'tags' : 'approved_at'
      expect(r.errors).toEqual([{ line: 3, field, message: expect.any(String) }])
      expect(await storedKeys(p)).toEqual([`${p}-1`, `${p}-2`])
      const [d] = await deadLetters(`batch=${batch}`)
      expect(d).toMatchObject({ line: 3, key: `${p}-3` })
      expect(d.errors[0].field).toBe(field)
      expect(d.reason).toMatch(new RegExp(`^${field}: `))
    })

  it('observed_at beyond what can be stored is a 400 naming it, and nothing is written', async () => {
    for (const [at, range] of [['9999-12-31T23:59:59-23:59', false], ['0000-01-01T00:00:00+01:00', false], ['2300-01-01T00:00:00Z', true], ['1899-12-31T23:59:59Z', true]] as const) {
      const r = await ingest(url(), 'kantata', 'time_entry', goodTwo('TE-H3-OBS').join('\n'), `batch=hostile-3-obs&observed_at=${encodeURIComponent(at)}`)
      expect(r.status, JSON.stringify(r.body)).toBe(400)
      expect(r.body.error.message).toMatch(/observed_at/)
      if (range) expect(r.body.error.message).toMatch(/1900-01-01T00:00:00Z to 2299-12-31T23:59:59.999Z/)
      const events = await ingest(url(), 'kantata', 'events', '{}', `observed_at=${encodeURIComponent(at)}`)
      if (!range) expect(events.status, at).toBe(400)
    }
    expect(await storedKeys('TE-H3-OBS')).toEqual([])
  })
})

describe('dates are never silently changed (defect 4)', () => {
  it('work_date and approved_at outside the columns are rejected naming the field and the range', async () => {
    const lines = [
      line(te('TE-H4-1', { work_date: '0000-01-01' })),
      line(te('TE-H4-2', { work_date: '2200-01-01' })),
      line(te('TE-H4-3', { approved_at: '0000-01-01T00:00:00Z' })),
      line(te('TE-H4-4', { work_date: '2149-06-06', approved_at: '2299-12-31T23:59:59.999Z' })),
    ]
    const r = await send(lines.join('\n'), 'batch=hostile-4')
    expect(r).toMatchObject({ accepted: 1, rejected: 3 })
    expect(r.errors).toEqual([
      { line: 1, field: 'work_date', message: expect.stringMatching(/1970-01-01 to 2149-06-06/) },
      { line: 2, field: 'work_date', message: expect.stringMatching(/1970-01-01 to 2149-06-06/) },
      { line: 3, field: 'approved_at', message: expect.stringMatching(/1900-01-01T00:00:00Z to 2299-12-31T23:59:59.999Z/) },
    ])
    const stored = await sql<{ key: string; work_date: string; approved_at: string }>(
      `SELECT key, toString(work_date) AS work_date, toString(approved_at) AS approved_at FROM entity_time_entry WHERE startsWith(key, 'TE-H4')`,
    )
    expect(stored).toEqual([{ key: 'TE-H4-4', work_date: '2149-06-06', approved_at: '2299-12-31 23:59:59.999' }])
  })
})

describe('dead-letter amplification (defect 8)', () => {
  it('a few KB of gzip inflating to 200,000 bad lines stores 10,000 dead letters and one summary', async () => {
    const lines = 200_000
    const body = gzipSync(Buffer.from('{"key":\n'.repeat(lines)), { level: 9 })
    expect(body.length).toBeLessThan(4_000)
    const r = await send(body, 'batch=hostile-8', { 'content-encoding': 'gzip' })
    expect(r).toMatchObject({ accepted: 0, rejected: lines })
    expect(r.errors.length).toBe(101)
    expect(r.errors[100]).toEqual({ line: 10_001, field: '', message: expect.stringMatching(/190,000 more rejected lines \(lines 10001–200000\)/) })
    const [{ n }] = await sql<{ n: string }>(`SELECT count() AS n FROM dead_letters WHERE batch_id = 'hostile-8'`)
    expect(Number(n)).toBe(10_001)
    const [b] = await sql<{ rejected: string }>(`SELECT rejected FROM batches WHERE batch_id = 'hostile-8'`)
    expect(Number(b.rejected)).toBe(lines)
  })

  it('the same on the step events path (it stored every bad line before)', async () => {
    const lines = 30_000
    const body = gzipSync(Buffer.from('{"step":\n'.repeat(lines)), { level: 9 })
    const r = await api(url(), '/api/v1/ingest/kantata/events?batch=hostile-8e', {
      method: 'POST', body, headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
    })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ accepted: 0, rejected: lines })
    expect(r.body.errors[100]).toEqual({ line: 10_001, field: '', message: expect.stringMatching(/20,000 more rejected lines \(lines 10001–30000\)/) })
    const [{ n }] = await sql<{ n: string }>(`SELECT count() AS n FROM dead_letters WHERE batch_id = 'hostile-8e'`)
    expect(Number(n)).toBe(10_001)
  })
})

describe('a byte-order mark (defect 15)', () => {
  it('at the start of an NDJSON body is no part of the first line', async () => {
    const r = await send(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(goodTwo('TE-H15').join('\n'))]), 'batch=hostile-15')
    expect(r).toMatchObject({ accepted: 2, rejected: 0 })
  })

  it('at the start of an OTLP/JSON body is skipped', async () => {
    const str = (v: string) => ({ stringValue: v })
    const span = {
      traceId: crypto.randomBytes(16).toString('hex'), spanId: crypto.randomBytes(8).toString('hex'), name: 'sync', kind: 2,
      startTimeUnixNano: '1800000000000000000', endTimeUnixNano: '1800000001000000000',
      attributes: [{ key: 'crosswalk.workflow', value: str('bom') }, { key: 'crosswalk.entity.key', value: str('PRJ-BOM') }],
    }
    const body = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: str('boomi') }] }, scopeSpans: [{ spans: [span] }] }] }
    const res = await fetch(`${url()}/v1/traces`, {
      method: 'POST',
      body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(body))]),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    })
    expect(res.status, await res.clone().text()).toBe(200)
    const t = await api(url(), `/api/v1/transactions/${span.traceId}`)
    expect(t.status).toBe(200)
  })
})

describe('keys that are not Unicode never collide (defect 16)', () => {
  it('invalid UTF-8 and a lone surrogate in a key are rejected naming the key', async () => {
    const withKeyBytes = (b: number[]) => Buffer.concat([Buffer.from('{"key":"TE-H16-'), Buffer.from(b), Buffer.from(line(te('x')).replace('{"key":"x"', '"'))])
    const body = Buffer.concat([
      withKeyBytes([0xff]), Buffer.from('\n'),
      withKeyBytes([0xfe]), Buffer.from('\n'),
      Buffer.from(line(te('TE-H16-\ud800')).replace('\ud800', '\\ud800') + '\n'),
      Buffer.from(line(te('TE-H16-ok\ufffd')) + '\n'),
    ])
    const r = await send(body, 'batch=hostile-16')
    expect(r).toMatchObject({ accepted: 1, rejected: 3 })
    expect(r.errors.map((e: { line: number; field: string }) => [e.line, e.field])).toEqual([[1, 'key'], [2, 'key'], [3, 'key']])
    expect(r.errors[0].message).toMatch(/not valid UTF-8/)
    expect(r.errors[2].message).toMatch(/not valid Unicode/)
    expect(await storedKeys('TE-H16')).toEqual(['TE-H16-ok\ufffd'])
  })
})

describe('duplicate keys (defect 17)', () => {
  it('are rejected naming the key, with or without an exponent or a long number in the line', async () => {
    const lines = [
      line(te('TE-H17-1')).replace('"hours":', '"hours":"1","hours":'),
      line(te('TE-H17-2')).replace('"hours":', '"big":1e3,"hours":"1","hours":'),
      line(te('TE-H17-3')).replace('"hours":', '"big":12345678901234567890,"hours":"1","hours":'),
      line(te('TE-H17-4')),
    ]
    const r = await send(lines.join('\n'), 'batch=hostile-17')
    expect(r).toMatchObject({ accepted: 1, rejected: 3 })
    for (const e of r.errors) expect(e).toEqual({ line: expect.any(Number), field: 'hours', message: expect.stringMatching(/duplicate key 'hours'/) })
    const dead = await deadLetters('batch=hostile-17')
    expect(dead.map((d) => d.key).sort()).toEqual(['TE-H17-1', 'TE-H17-2', 'TE-H17-3'])
  })
})
