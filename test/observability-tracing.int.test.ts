// Crosswalk traces itself when OTEL_EXPORTER_OTLP_ENDPOINT is set: a span per HTTP request
// (route pattern, status) and one per detection run with a child per rule, exported over
// OTLP/HTTP to a local receiver here. Flushed on demand, so no test waits on a timer. Unset,
// no tracing is built at all.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { tracingOf } from '../server/observability/tracing.ts'
import { api } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'

interface OtlpSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind: number
  attributes: Array<{ key: string; value: Record<string, unknown> }>
  status?: { code?: number }
}

/** An OTLP/HTTP receiver of JSON exports: every span it got, with its resource's attributes. */
async function receiver() {
  const spans: Array<OtlpSpan & { resource: Record<string, unknown> }> = []
  const paths: string[] = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`)
      for (const rs of JSON.parse(body).resourceSpans ?? []) {
        const resource = Object.fromEntries((rs.resource?.attributes ?? []).map((a: OtlpSpan['attributes'][number]) => [a.key, Object.values(a.value)[0]]))
        for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.push({ ...s, resource })
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{}')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, paths, close: () => new Promise<void>((r) => server.close(() => r())) }
}

const attr = (s: OtlpSpan, key: string) => {
  const v = s.attributes.find((a) => a.key === key)?.value
  return v === undefined ? undefined : Object.values(v)[0]
}

describe('self-tracing with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  let otlp: Awaited<ReturnType<typeof receiver>>
  const server = useServer(async () => {
    otlp = await receiver()
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = otlp.url
    return {}
  })
  afterAll(async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT
    await otlp?.close()
  })

  it('exports a span per request and per detection run, with a child per rule', async () => {
    // The exporter took the endpoint at start; later servers must not.
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT
    expect((await api(server.url, '/api/v1/auth/me')).status).toBe(200)
    expect((await api(server.url, '/api/v1/exceptions/x0000000000000001')).status).toBe(404)
    const run = await api(server.url, '/api/v1/detect?as_of=2026-06-30T12:00:00Z', { method: 'POST' })
    expect(run.status).toBe(200)
    await server.services.tracing!.flush()

    expect(otlp.paths[0]).toMatch(/^POST \/v1\/traces application\/json/)
    const named = (name: string) => otlp.spans.filter((s) => s.name === name)
    const [me] = named('GET /api/v1/auth/me')
    expect(me).toBeDefined()
    expect(me.kind).toBe(2) // SERVER
    expect(me.resource).toMatchObject({ 'service.name': 'crosswalk', 'service.version': server.services.version })
    expect(attr(me, 'http.route')).toBe('/api/v1/auth/me')
    expect(Number(attr(me, 'http.response.status_code'))).toBe(200)
    const [missing] = named('GET /api/v1/exceptions/:id')
    expect(Number(attr(missing, 'http.response.status_code'))).toBe(404)

    const [request] = named('POST /api/v1/detect')
    const [detection] = named('crosswalk.detect')
    expect(detection).toMatchObject({ traceId: request.traceId, parentSpanId: request.spanId })
    expect(attr(detection, 'crosswalk.detect.trigger')).toBe('api')
    const rules = otlp.spans.filter((s) => s.name.startsWith('crosswalk.rule '))
    expect(rules.map((s) => attr(s, 'crosswalk.rule')).sort()).toEqual(Object.keys(run.body.rules).sort())
    for (const r of rules) expect(r).toMatchObject({ traceId: request.traceId, parentSpanId: detection.spanId })
    // Requests that are not part of one another are separate traces.
    expect(me.traceId).not.toBe(request.traceId)
  })
})

describe('self-tracing without an endpoint', () => {
  const server = useServer({})

  it('builds nothing', () => {
    expect(process.env.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined()
    expect(server.services.tracing).toBeNull()
    expect(tracingOf(server.db)).toBeUndefined()
  })
})
