// Raw OTLP/HTTP as other senders (Collector, hand-rolled clients) send it: JSON in every accepted
// spelling, chunked bodies, protobuf (gzip or not), partial success, bad bodies; then the
// firm-small traces give exactly expected.json's transaction_failed set.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { createRequire } from 'node:module'
import { beforeAll, describe, expect, it } from 'vitest'
import { expected, FIRM_DIR, ingestFirm, plan } from './helpers/firm.ts'
import { ADMIN, api } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'

const root = createRequire(import.meta.url)('otlp-proto-definitions/build/src/generated/root.js')
const { ExportTraceServiceRequest, ExportTraceServiceResponse } = root.opentelemetry.proto.collector.trace.v1

const hex = (bytes: number) => crypto.randomBytes(bytes).toString('hex')
const str = (v: string) => ({ stringValue: v })
// Spans here start in 2027, after plan.as_of and outside the firm's traces, so they touch neither.
const T0 = 1_800_000_000 // 2027-01-15T08:00:00Z, in seconds
const ns = (s: number, extra = 0n) => BigInt(s) * 1_000_000_000n + extra

function goodSpan(key: string, over: Record<string, unknown> = {}) {
  return {
    traceId: hex(16), spanId: hex(8), name: 'sync', kind: 2,
    startTimeUnixNano: String(ns(T0)), endTimeUnixNano: String(ns(T0 + 1)),
    attributes: [{ key: 'crosswalk.workflow', value: str('raw_otlp') }, { key: 'crosswalk.entity.type', value: str('project') }, { key: 'crosswalk.entity.key', value: str(key) }],
    ...over,
  }
}
const request = (spans: object[], service = 'boomi') => ({
  resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: str(service) }] }, scopeSpans: [{ scope: { name: 'raw' }, spans }] }],
})

describe('POST /v1/traces, raw OTLP/HTTP', () => {
  const server = useServer()

  const post = (body: BodyInit | Uint8Array, type = 'application/json', headers: Record<string, string> = {}, token: string | null = ADMIN) =>
    fetch(`${server.url}/v1/traces`, {
      method: 'POST', body: body as BodyInit, headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit)
  const postJson = async (body: unknown, headers: Record<string, string> = {}) => {
    const r = await post(JSON.stringify(body), 'application/json', headers)
    return { status: r.status, body: await r.json() }
  }
  const spansOf = async (traceId: string) => (await api(server.url, `/api/v1/transactions/${traceId}`)).body
  const listed = async (key: string) => (await api(server.url, `/api/v1/transactions?entity_key=${key}`)).body.items

  it('JSON: uppercase hex ids, times as numbers and strings, kvlist and bytes values', async () => {
    const traceId = hex(16).toUpperCase()
    const parent = hex(8).toUpperCase()
    const kv = { kvlistValue: { values: [{ key: 'n', value: { intValue: '5' } }, { key: 'inner', value: { kvlistValue: { values: [{ key: 'ok', value: { boolValue: true } }, { key: 'tags', value: { arrayValue: { values: [str('a'), { doubleValue: 1.5 }] } } }] } } }] } }
    const bytes = Buffer.from([0, 1, 2, 254, 255]).toString('base64')
    const r = await postJson(request([
      goodSpan('PRJ-RAW-1', { traceId, spanId: parent, startTimeUnixNano: Number(ns(T0)), endTimeUnixNano: Number(ns(T0 + 2)), attributes: [...goodSpan('PRJ-RAW-1').attributes, { key: 'kv', value: kv }, { key: 'raw', value: { bytesValue: bytes } }, { key: 'big', value: { intValue: '9007199254740993' } }, { key: 'int.num', value: { intValue: 12 } }, { key: 'dbl.str', value: { doubleValue: '2.5' } }] }),
      { traceId, spanId: hex(8).toUpperCase(), parentSpanId: parent, name: 'child', kind: 'SPAN_KIND_CLIENT', startTimeUnixNano: String(ns(T0, 123_456_789n)), endTimeUnixNano: String(ns(T0 + 1, 123_456_790n)), status: { code: 'STATUS_CODE_ERROR', message: 'boom' } },
    ]))
    expect(r).toEqual({ status: 200, body: {} })
    const t = await spansOf(traceId.toLowerCase())
    expect(t).toMatchObject({ trace_id: traceId.toLowerCase(), status: 'failed', failed_step: 'child', error_message: 'boom', duration_ms: 2000, started_at: '2027-01-15T08:00:00.000Z' })
    const [p, c] = t.spans
    expect(p.span_id).toBe(parent.toLowerCase())
    expect(c).toMatchObject({ parent_span_id: parent.toLowerCase(), kind: 'Client', status: 'Error', started_at: '2027-01-15T08:00:00.123Z', duration_ms: 1000.000001 })
    expect(p.attributes.kv).toEqual({ n: 5, inner: { ok: true, tags: ['a', 1.5] } })
    expect(p.attributes.raw).toBe(bytes)
    expect(p.attributes.big).toBe('9007199254740993') // beyond 2^53: kept exact, as a string
    expect(p.attributes['int.num']).toBe(12)
    expect(p.attributes['dbl.str']).toBe(2.5)
  })

  it('JSON: snake_case field names (the proto field names) are accepted', async () => {
    const trace_id = hex(16)
    const span_id = hex(8)
    const r = await postJson({
      resource_spans: [{
        resource: { attributes: [{ key: 'service.name', value: { string_value: 'workato' } }] },
        scope_spans: [{ scope: { name: 'snake' }, spans: [{
          trace_id, span_id, parent_span_id: '', name: 'snake', kind: 1,
          start_time_unix_nano: String(ns(T0 + 10)), end_time_unix_nano: String(ns(T0 + 11)),
          attributes: [
            { key: 'crosswalk.entity.key', value: { string_value: 'PRJ-RAW-SNAKE' } },
            { key: 'i', value: { int_value: '3' } }, { key: 'd', value: { double_value: 0.25 } }, { key: 'b', value: { bool_value: false } },
            { key: 'a', value: { array_value: { values: [{ string_value: 'x' }, { int_value: 1 }] } } },
            { key: 'k', value: { kvlist_value: { values: [{ key: 'q', value: { string_value: 'r' } }] } } },
            { key: 'y', value: { bytes_value: 'AQI=' } },
          ],
          events: [{ time_unix_nano: String(ns(T0 + 10, 5n)), name: 'e', attributes: [{ key: 'n', value: { int_value: 1 } }] }],
          links: [{ trace_id: hex(16), span_id: hex(8), trace_state: 'k=v' }],
        }] }],
      }],
    })
    expect(r).toEqual({ status: 200, body: {} })
    const t = await spansOf(trace_id)
    expect(t.systems).toEqual(['workato'])
    const s = t.spans[0]
    expect(s.attributes).toEqual({ 'crosswalk.entity.key': 'PRJ-RAW-SNAKE', i: 3, d: 0.25, b: false, a: ['x', 1], k: { q: 'r' }, y: 'AQI=' })
    expect(s.events).toEqual([{ name: 'e', at: '2027-01-15T08:00:10.000Z', attributes: { n: 1 } }])
    expect(s.links[0].trace_state).toBe('k=v')
  })

  it('JSON over a chunked body (a stream without Content-Length)', async () => {
    const spans = Array.from({ length: 200 }, (_, i) => goodSpan(`PRJ-RAW-CHUNK-${i}`))
    const text = JSON.stringify(request(spans))
    const enc = new TextEncoder()
    let i = 0
    const body = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (i >= text.length) return ctl.close()
        ctl.enqueue(enc.encode(text.slice(i, (i += 997))))
      },
    })
    const r = await post(body)
    expect(r.status).toBe(200)
    expect(await r.json()).toEqual({})
    expect(await listed('PRJ-RAW-CHUNK-0')).toHaveLength(1)
    expect(await listed('PRJ-RAW-CHUNK-199')).toHaveLength(1)
  })

  const protoSpan = (key: string, over: Record<string, unknown> = {}) => ({
    traceId: crypto.randomBytes(16), spanId: crypto.randomBytes(8), name: 'proto-step', kind: 3,
    startTimeUnixNano: String(ns(T0 + 20)), endTimeUnixNano: String(ns(T0 + 20, 250_000_000n)),
    attributes: [{ key: 'crosswalk.entity.key', value: str(key) }, { key: 'n', value: { intValue: '-42' } }, { key: 'kv', value: { kvlistValue: { values: [{ key: 'x', value: { doubleValue: 0.5 } }] } } }, { key: 'raw', value: { bytesValue: Buffer.from('hi') } }],
    ...over,
  })
  const encode = (spans: object[]) => ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(request(spans, 'mulesoft'))).finish() as Uint8Array

  for (const gzip of [false, true])
    it(`protobuf${gzip ? ', gzip' : ''}: decoded with the official definitions, read back typed`, async () => {
      const key = `PRJ-RAW-PB-${gzip}`
      const span = protoSpan(key)
      const bytes = encode([span])
      const r = await post(gzip ? zlib.gzipSync(bytes) : bytes, 'application/x-protobuf', gzip ? { 'content-encoding': 'gzip' } : {})
      expect(r.status).toBe(200)
      expect(r.headers.get('content-type')).toBe('application/x-protobuf')
      expect(ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(new Uint8Array(await r.arrayBuffer())))).toEqual({})
      const t = await spansOf(span.traceId.toString('hex'))
      expect(t).toMatchObject({ entity_key: key, systems: ['mulesoft'], duration_ms: 250, status: 'ok' })
      expect(t.spans[0]).toMatchObject({ span_id: span.spanId.toString('hex'), kind: 'Client' })
      expect(t.spans[0].attributes).toEqual({ 'crosswalk.entity.key': key, n: -42, kv: { x: 0.5 }, raw: Buffer.from('hi').toString('base64') })
    })

  it('JSON partial success: bad spans rejected and named, the good ones land', async () => {
    const good = [goodSpan('PRJ-RAW-PS-1'), goodSpan('PRJ-RAW-PS-2'), goodSpan('PRJ-RAW-PS-3')]
    const { traceId: _omit, ...noTrace } = goodSpan('PRJ-RAW-BAD-1')
    const huge = Array.from({ length: 10 }, (_, i) => ({ key: `blob${i}`, value: str('x'.repeat(1024 * 1024)) }))
    const r = await postJson(request([
      good[0], noTrace, good[1],
      goodSpan('PRJ-RAW-BAD-2', { spanId: 'abc123' }),
      goodSpan('PRJ-RAW-BAD-3', { startTimeUnixNano: 'abc' }),
      goodSpan('PRJ-RAW-BAD-4', { attributes: huge }),
      good[2],
    ]))
    expect(r.status).toBe(200)
    expect(r.body.partialSuccess.rejectedSpans).toBe('4')
    const msg: string = r.body.partialSuccess.errorMessage
    expect(msg).toMatch(/spans\[1\]: traceId must be 32 hex characters/)
    expect(msg).toMatch(/spans\[3\]: spanId must be 16 hex characters/)
    expect(msg).toMatch(/spans\[4\]: startTimeUnixNano must be a non-negative integer/)
    expect(msg).toMatch(/spans\[5\]: attributes are larger than/)
    for (const k of ['PRJ-RAW-PS-1', 'PRJ-RAW-PS-2', 'PRJ-RAW-PS-3']) expect(await listed(k), k).toHaveLength(1)
    for (const k of ['PRJ-RAW-BAD-1', 'PRJ-RAW-BAD-2', 'PRJ-RAW-BAD-3', 'PRJ-RAW-BAD-4']) expect(await listed(k), k).toEqual([])
  })

  it('protobuf partial success, answered as an ExportTraceServiceResponse', async () => {
    const good = [protoSpan('PRJ-RAW-PBPS-1'), protoSpan('PRJ-RAW-PBPS-2'), protoSpan('PRJ-RAW-PBPS-3')]
    const huge = Array.from({ length: 10 }, (_, i) => ({ key: `blob${i}`, value: str('y'.repeat(1024 * 1024)) }))
    const bytes = encode([
      good[0], protoSpan('PRJ-RAW-PBBAD-1', { traceId: Buffer.alloc(0) }), protoSpan('PRJ-RAW-PBBAD-2', { spanId: crypto.randomBytes(5) }),
      good[1], protoSpan('PRJ-RAW-PBBAD-3', { attributes: huge }), good[2],
    ])
    const r = await post(bytes, 'application/x-protobuf')
    expect(r.status).toBe(200)
    const res = ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(new Uint8Array(await r.arrayBuffer())), { longs: String })
    expect(res.partialSuccess.rejectedSpans).toBe('3')
    expect(res.partialSuccess.errorMessage).toMatch(/spans\[1\]: traceId must be 32 hex characters.*spans\[2\]: spanId must be 16 hex characters.*spans\[4\]: attributes are larger than/)
    for (const k of ['PRJ-RAW-PBPS-1', 'PRJ-RAW-PBPS-2', 'PRJ-RAW-PBPS-3']) expect(await listed(k), k).toHaveLength(1)
    for (const k of ['PRJ-RAW-PBBAD-1', 'PRJ-RAW-PBBAD-2', 'PRJ-RAW-PBBAD-3']) expect(await listed(k), k).toEqual([])
  })

  it('rejects bad bodies with a clear 400, wrong types with 415, no or a wrong token with 401', async () => {
    const bytes = encode([protoSpan('PRJ-RAW-TRUNC')])
    const truncated = await post(bytes.subarray(0, bytes.length - 7), 'application/x-protobuf')
    expect(truncated.status).toBe(400)
    expect((await truncated.json()).error).toMatchObject({ code: 'bad_otlp', message: expect.stringMatching(/not a valid OTLP protobuf ExportTraceServiceRequest/) })
    expect(await listed('PRJ-RAW-TRUNC')).toEqual([])

    for (const [body, re] of [['[1, 2]', /must be an OTLP ExportTraceServiceRequest object/], ['"text"', /must be an OTLP ExportTraceServiceRequest object/], ['{"resourceSpans": {}}', /resourceSpans must be a list/], ['{"resourceSpans": [', /not valid JSON/]] as const) {
      const r = await post(body)
      expect(r.status, body).toBe(400)
      expect((await r.json()).error.message, body).toMatch(re)
    }
    const badGzip = await post('not gzip', 'application/json', { 'content-encoding': 'gzip' })
    expect(badGzip.status).toBe(400)

    const wrongType = await post(JSON.stringify(request([goodSpan('PRJ-RAW-415')])), 'text/plain')
    expect(wrongType.status).toBe(415)
    expect((await wrongType.json()).error.message).toMatch(/application\/x-protobuf or application\/json/)
    for (const token of [null, 'not-a-token']) {
      const r = await post(JSON.stringify(request([goodSpan('PRJ-RAW-401')])), 'application/json', {}, token)
      expect(r.status, String(token)).toBe(401)
    }
    expect(await listed('PRJ-RAW-415')).toEqual([])
    expect(await listed('PRJ-RAW-401')).toEqual([])
  })

  describe('firm-small traces', () => {
    const traces = JSON.parse(fs.readFileSync(path.join(FIRM_DIR, 'traces.json'), 'utf8'))
    const RETRIED_OK = { key: 'PRJ-00030', failed: '9acff90f422b506bd61fe512ea098708', ok: '4cc894a02f42f18bc9e44554802093ed' }
    const OK_THEN_FAILED = { key: 'PRJ-00009', ok: '25e22341892ca0f366f72c9106f26df4', failed: 'a455db958f6fe865ebb5ec388f48ae81' }
    let failedExceptions: any[]

    beforeAll(async () => {
      await ingestFirm(server.url)
      const r = await postJson(traces)
      expect(r).toEqual({ status: 200, body: {} })
      expect((await api(server.url, `/api/v1/detect?as_of=${plan.as_of}`, { method: 'POST' })).status).toBe(200)
      failedExceptions = (await api(server.url, '/api/v1/exceptions?rule=transaction_failed&limit=100')).body.items
    })

    it('transaction_failed opens exactly the expected set', () => {
      expect(failedExceptions.map((e) => e.entity_key).sort()).toEqual([...expected.exceptions.transaction_failed].sort())
      expect(failedExceptions.find((e) => e.entity_key === 'SYNC-2026-05-26').entity_type).toBe('time_sync_batch')
      for (const e of failedExceptions) expect(e.amount_at_risk).toBe(0)
    })

    it('retried then succeeded: no exception; succeeded then failed: an exception naming the failed run', async () => {
      expect(failedExceptions.find((e) => e.entity_key === RETRIED_OK.key)).toBeUndefined()
      const retried = (await listed(RETRIED_OK.key)).map((t: any) => [t.trace_id, t.status, t.attempt])
      expect(retried).toEqual([[RETRIED_OK.ok, 'ok', 2], [RETRIED_OK.failed, 'failed', 1]])

      const e = failedExceptions.find((x) => x.entity_key === OK_THEN_FAILED.key)
      expect(e.entity_type).toBe('project')
      expect(e.details.transaction.trace_ids).toEqual([OK_THEN_FAILED.failed])
      expect(e.details.transaction.workflows).toEqual(['quote_to_project'])
      const runs = (await listed(OK_THEN_FAILED.key)).map((t: any) => [t.trace_id, t.status, t.attempt])
      expect(runs).toEqual([[OK_THEN_FAILED.failed, 'failed', 2], [OK_THEN_FAILED.ok, 'ok', 1]])
    })

    it('links both ways: the exception lists its transactions, the failed transaction its open exception', async () => {
      const e = failedExceptions.find((x) => x.entity_key === OK_THEN_FAILED.key)
      const detail = await api(server.url, `/api/v1/exceptions/${e.id}`)
      expect(detail.status).toBe(200)
      expect(detail.body.transactions.map((t: any) => t.trace_id).sort()).toEqual([OK_THEN_FAILED.failed, OK_THEN_FAILED.ok].sort())
      const t = await api(server.url, `/api/v1/transactions/${OK_THEN_FAILED.failed}`)
      expect(t.body.exceptions.map((x: any) => x.id)).toContain(e.id)
      expect(t.body.exceptions.find((x: any) => x.id === e.id)).toMatchObject({ rule: 'transaction_failed', status: 'open' })
      const sync = failedExceptions.find((x) => x.entity_key === 'SYNC-2026-05-26')
      expect((await api(server.url, `/api/v1/exceptions/${sync.id}`)).body.transactions.map((x: any) => x.trace_id)).toEqual(['d5a2645ca2f3a49b9375470505527e6c'])
      const ok = await api(server.url, `/api/v1/transactions/${RETRIED_OK.ok}`)
      expect(ok.body.exceptions.filter((x: any) => x.rule === 'transaction_failed')).toEqual([])
    })

    it('workflow health by workflow and by day agrees with the list', async () => {
      const range = `from=2025-01-01&to=${plan.as_of}`
      const all: any[] = []
      let cursor: string | null = null
      do {
        const r: any = await api(server.url, `/api/v1/transactions?${range}&limit=20${cursor ? `&cursor=${cursor}` : ''}`)
        all.push(...r.body.items)
        cursor = r.body.next_cursor
      } while (cursor)
      expect(all).toHaveLength(79)
      expect(new Set(all.map((t) => t.trace_id)).size).toBe(79)
      const q = (xs: number[], level: number) => [...xs].sort((a, b) => a - b)[Math.floor(level * xs.length)]
      for (const by of ['workflow', 'day'] as const) {
        const groups = new Map<string, any[]>()
        for (const t of all) {
          const g = by === 'workflow' ? t.workflow : t.started_at.slice(0, 10)
          groups.set(g, [...(groups.get(g) ?? []), t])
        }
        const h = (await api(server.url, `/api/v1/transactions/health?by=${by}&${range}`)).body.items
        expect(h.map((r: any) => r[by]).sort(), by).toEqual([...groups.keys()].sort())
        for (const row of h) {
          const ts = groups.get(row[by])!
          const failed = ts.filter((t) => t.status === 'failed').length
          const ms = ts.map((t) => t.duration_ms)
          expect(row, `${by} ${row[by]}`).toMatchObject({ transactions: ts.length, failed, p50_ms: q(ms, 0.5), p95_ms: q(ms, 0.95) })
          expect(row.failure_rate).toBeCloseTo(failed / ts.length, 12)
        }
      }
      const wf = (await api(server.url, `/api/v1/transactions/health?by=workflow&${range}`)).body.items
      expect(wf.reduce((n: number, r: any) => n + r.failed, 0)).toBe(all.filter((t) => t.status === 'failed').length)
    })
  })
})
