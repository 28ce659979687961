// The real OpenTelemetry JS SDK sends spans to a running server over OTLP/HTTP, JSON and protobuf
// (and JSON gzipped); every span, attribute, event and link reads back through the API intact.
import { describe, expect, it } from 'vitest'
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Attributes, type HrTime } from '@opentelemetry/api'
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base'
import { ADMIN, api } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'

type ExportResult = Parameters<Parameters<SpanExporter['export']>[1]>[0]

/** The real exporter, with each export's result kept so a failed export fails the test. */
class Recording implements SpanExporter {
  results: ExportResult[] = []
  constructor(private inner: SpanExporter) {}
  export(spans: ReadableSpan[], done: (r: ExportResult) => void) {
    this.inner.export(spans, (r) => {
      this.results.push(r)
      done(r)
    })
  }
  shutdown() {
    return this.inner.shutdown()
  }
  forceFlush() {
    return this.inner.forceFlush?.() ?? Promise.resolve()
  }
}

// Every kind of attribute value the SDK can send (it has no kvlist or bytes at the API level).
const ROOT_ATTRIBUTES: Attributes = {
  'str': 'héllo, wörld ✓',
  'str.empty': '',
  'bool.true': true,
  'bool.false': false,
  'int': 42,
  'int.negative': -7,
  'int.zero': 0,
  'int.large': 2 ** 50 + 3,
  'double': 3.25,
  'double.negative': -0.001,
  'double.small': 1.5e-12,
  'arr.str': ['a', 'b', ''],
  'arr.int': [1, 2, 3],
  'arr.double': [1.5, -2.25],
  'arr.mixed_numbers': [1, 2.5],
  'arr.bool': [true, false, true],
  'arr.empty': [],
  'arr.with_null': ['x', null, 'y'],
}

const ERROR_MESSAGE = 'NetSuite rejected the project: subsidiary "EMEA-2" is inactive'

const ms = (hr: HrTime) => hr[0] * 1000 + hr[1] / 1e6

describe('OpenTelemetry JS SDK → POST /v1/traces → transactions API', () => {
  const server = useServer()

  /** One transaction over three services, each with its own provider and exporter, sharing the trace. */
  async function send(label: string, exporter: (url: string) => SpanExporter) {
    const entityKey = `PRJ-SDK-${label}`
    const exporters: Recording[] = []
    const provider = (service: string) => {
      const rec = new Recording(exporter(`${server.url}/v1/traces`))
      exporters.push(rec)
      return new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': service, 'service.version': '1.2.3', 'deployment.environment': 'test' }),
        spanProcessors: [new SimpleSpanProcessor(rec)],
      })
    }
    const mule = provider('mulesoft')
    const sf = provider('salesforce')
    const ns = provider('netsuite')

    const t0s = Math.floor(Date.now() / 1000) - 3600
    const at = (msOffset: number, extraNs = 0): HrTime => [t0s + Math.floor(msOffset / 1000), (msOffset % 1000) * 1e6 + extraNs]

    const root = mule.getTracer('crosswalk-test', '0.1').startSpan(
      'quote_to_project',
      {
        kind: SpanKind.SERVER,
        startTime: at(0),
        attributes: {
          'crosswalk.workflow': 'quote_to_project',
          'crosswalk.entity.type': 'project',
          'crosswalk.entity.key': entityKey,
          ...ROOT_ATTRIBUTES,
        },
      },
      ROOT_CONTEXT,
    )
    const inRoot = trace.setSpan(ROOT_CONTEXT, root)

    const linked = { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceFlags: TraceFlags.SAMPLED }
    const read = sf.getTracer('sf-connector').startSpan(
      'read_opportunity',
      {
        kind: SpanKind.CLIENT,
        startTime: at(100, 250),
        attributes: { 'sf.object': 'Opportunity', 'sf.rows': 1 },
        links: [{ context: linked, attributes: { 'link.reason': 'triggered_by', 'link.n': 7 } }],
      },
      inRoot,
    )
    read.addEvent('query.done', { rows: 3, source: 'soql', partial: false, ratio: 0.5, ids: ['006A', '006B'] }, at(300))
    read.setStatus({ code: SpanStatusCode.OK })
    read.end(at(400, 750))

    const create = ns.getTracer('ns-connector').startSpan('create_project', { kind: SpanKind.CLIENT, startTime: at(500) }, inRoot)
    create.setAttribute('ns.subsidiary', 'EMEA-2')
    create.setAttribute('ns.retryable', false)
    create.recordException({ name: 'NetSuiteError', message: ERROR_MESSAGE }, at(1400))
    create.setStatus({ code: SpanStatusCode.ERROR, message: ERROR_MESSAGE })
    create.end(at(1500))

    root.end(at(2000))
    for (const p of [mule, sf, ns]) await p.forceFlush()
    for (const p of [mule, sf, ns]) await p.shutdown()

    const results = exporters.flatMap((e) => e.results)
    expect(results.length, label).toBe(3)
    for (const r of results) expect(r.code, `${label}: ${r.error?.message}`).toBe(0) // ExportResultCode.SUCCESS
    return { entityKey, traceId: root.spanContext().traceId, rootId: root.spanContext().spanId, readId: read.spanContext().spanId, createId: create.spanContext().spanId, t0: ms(at(0)), linked }
  }

  async function check(sent: Awaited<ReturnType<typeof send>>) {
    const list = await api(server.url, `/api/v1/transactions?entity_key=${sent.entityKey}`)
    expect(list.status).toBe(200)
    expect(list.body.next_cursor).toBeNull()
    expect(list.body.items).toHaveLength(1)
    const item = list.body.items[0]
    expect(item).toMatchObject({
      trace_id: sent.traceId,
      workflow: 'quote_to_project',
      entity_type: 'project',
      entity_key: sent.entityKey,
      status: 'failed',
      systems: ['mulesoft', 'netsuite', 'salesforce'],
      started_at: new Date(sent.t0).toISOString(),
      duration_ms: 2000,
      failed_step: 'create_project',
      error_message: ERROR_MESSAGE,
    })

    const one = await api(server.url, `/api/v1/transactions/${sent.traceId}`)
    expect(one.status).toBe(200)
    const { spans: spanCount, ...summary } = item
    expect(spanCount).toBe(3)
    expect(one.body).toMatchObject(summary)
    expect(one.body.exceptions).toEqual([])
    const spans = one.body.spans as any[]
    expect(spans.map((s) => s.name)).toEqual(['quote_to_project', 'read_opportunity', 'create_project'])
    const [root, read, create] = spans

    expect(root).toMatchObject({ span_id: sent.rootId, parent_span_id: null, kind: 'Server', service: 'mulesoft', status: 'Unset', offset_ms: 0, duration_ms: 2000 })
    expect(root.scope).toEqual({ name: 'crosswalk-test', version: '0.1' })
    expect(root.resource).toMatchObject({ 'service.name': 'mulesoft', 'service.version': '1.2.3', 'deployment.environment': 'test' })
    expect(root.attributes).toEqual({
      'crosswalk.workflow': 'quote_to_project',
      'crosswalk.entity.type': 'project',
      'crosswalk.entity.key': sent.entityKey,
      ...ROOT_ATTRIBUTES,
    })
    // Typed, not text: the integer stays an integer, the double a double.
    expect(typeof root.attributes['int']).toBe('number')
    expect(Number.isInteger(root.attributes['int.large'])).toBe(true)
    expect(typeof root.attributes['bool.false']).toBe('boolean')
    expect(typeof root.attributes['arr.int'][0]).toBe('number')

    expect(read).toMatchObject({ span_id: sent.readId, parent_span_id: sent.rootId, kind: 'Client', service: 'salesforce', status: 'Ok', offset_ms: 100 })
    expect(read.duration_ms).toBeCloseTo(300.0005, 6) // nanoseconds kept
    expect(read.attributes).toEqual({ 'sf.object': 'Opportunity', 'sf.rows': 1 })
    expect(read.events).toHaveLength(1)
    expect(read.events[0]).toMatchObject({ name: 'query.done', at: new Date(sent.t0 + 300).toISOString() })
    expect(read.events[0].attributes).toEqual({ rows: 3, source: 'soql', partial: false, ratio: 0.5, ids: ['006A', '006B'] })
    expect(read.links).toEqual([
      { trace_id: sent.linked.traceId, span_id: sent.linked.spanId, trace_state: null, attributes: { 'link.reason': 'triggered_by', 'link.n': 7 } },
    ])

    expect(create).toMatchObject({
      span_id: sent.createId,
      parent_span_id: sent.rootId,
      service: 'netsuite',
      status: 'Error',
      status_message: ERROR_MESSAGE,
      offset_ms: 500,
      duration_ms: 1000,
    })
    expect(create.attributes).toEqual({ 'ns.subsidiary': 'EMEA-2', 'ns.retryable': false })
    expect(create.events).toHaveLength(1)
    expect(create.events[0].name).toBe('exception')
    expect(create.events[0].attributes).toMatchObject({ 'exception.type': 'NetSuiteError', 'exception.message': ERROR_MESSAGE })
  }

  const headers = { Authorization: 'Bearer ' + ADMIN }

  it('exporter-trace-otlp-http (JSON)', async () => {
    await check(await send('json', (url) => new JsonExporter({ url, headers })))
  })

  it('exporter-trace-otlp-http (JSON, gzip)', async () => {
    await check(await send('json-gzip', (url) => new JsonExporter({ url, headers, compression: CompressionAlgorithm.GZIP })))
  })

  it('exporter-trace-otlp-proto (protobuf)', async () => {
    await check(await send('proto', (url) => new ProtoExporter({ url, headers })))
  })

  it('exporter-trace-otlp-proto (protobuf, gzip)', async () => {
    await check(await send('proto-gzip', (url) => new ProtoExporter({ url, headers, compression: CompressionAlgorithm.GZIP })))
  })

  it('lists the four transactions by system and workflow, and health counts them', async () => {
    const r = await api(server.url, '/api/v1/transactions?system=netsuite&workflow=quote_to_project&status=failed')
    expect(r.body.items.map((t: any) => t.entity_key).sort()).toEqual(['PRJ-SDK-json', 'PRJ-SDK-json-gzip', 'PRJ-SDK-proto', 'PRJ-SDK-proto-gzip'])
    const h = await api(server.url, '/api/v1/transactions/health?by=workflow')
    expect(h.body.items).toEqual([{ workflow: 'quote_to_project', day: null, transactions: 4, failed: 4, failure_rate: 1, p50_ms: 2000, p95_ms: 2000 }])
  })

  it('an exporter without the token gets 401 and reports the export failed', async () => {
    const rec = new Recording(new JsonExporter({ url: `${server.url}/v1/traces` }))
    const p = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'mulesoft' }), spanProcessors: [new SimpleSpanProcessor(rec)] })
    p.getTracer('t').startSpan('unauthorized', { attributes: { 'crosswalk.entity.key': 'PRJ-SDK-401' } }).end()
    // forceFlush rejects with the failed exports' errors (sdk-trace 2.x: a list of them).
    const err: any = [await p.forceFlush().then(() => null, (e) => e)].flat()[0]
    await p.shutdown()
    expect(err?.name).toBe('OTLPExporterError')
    expect(err.code).toBe(401)
    expect(JSON.parse(err.data).error.code).toMatch(/unauthorized/i)
    expect(rec.results).toHaveLength(1)
    expect(rec.results[0].code).toBe(1) // ExportResultCode.FAILED
    expect((await api(server.url, '/api/v1/transactions?entity_key=PRJ-SDK-401')).body.items).toEqual([])
  })
})
