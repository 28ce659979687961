// The published API contract (GET /api/v1/openapi.json) covers every route, is a valid OpenAPI
// 3.1 document, and says what the server really answers: every documented GET is called on a
// loaded firm and its answer parsed with the route's own schema (strict: no field left out).
import { beforeAll, describe, expect, it } from 'vitest'
import { compileErrors, validate } from '@readme/openapi-parser'
import type { z } from '@hono/zod-openapi'
import { buildApp } from '../server/app.ts'
import { ingestFirm, plan } from './helpers/firm.ts'
import { api } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'
import { until } from './helpers/wait.ts'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'

type RouteDef = { method: string; path: string; responses: Record<string, { content?: Record<string, { schema?: z.ZodType }> }> }

describe('API contract', () => {
  let app: ReturnType<typeof buildApp>
  let doc: { openapi: string; paths: Record<string, Record<string, unknown>> }
  const samples: Record<string, string> = {}

  // Kantata has a connector (to a closed port, no retries): its pull fails at once, so its runs
  // routes have a run to answer with.
  const sources = DEMO_SOURCES.map((s) =>
    s.system === 'kantata' ? { ...s, connector: { type: 'kantata', base_url: 'http://127.0.0.1:9', auth: { type: 'token', token: 'unused' }, limits: { retries: 0, timeout_ms: 2000 } } } : s,
  )
  const server = useServer({ config: parseConfig({ sources }) })
  beforeAll(async () => {
    app = buildApp(server.services)
    await ingestFirm(server.url)
    await api(server.url, `/api/v1/detect?as_of=${plan.as_of}`, { method: 'POST' })
    // A bad line, so a dead letter exists; and spans, so a transaction does.
    await api(server.url, '/api/v1/ingest/kantata/time_entry', { method: 'POST', body: '{"key":1}\n', headers: { 'content-type': 'application/x-ndjson' } })
    const trace = { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'sync', startTimeUnixNano: '1780000000000000000', endTimeUnixNano: '1780000001000000000', attributes: [{ key: 'crosswalk.workflow', value: { stringValue: 'time_to_cash' } }] }
    await api(server.url, '/v1/traces', { method: 'POST', body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'netsuite' } }] }, scopeSpans: [{ spans: [trace] }] }] }), headers: { 'content-type': 'application/json' } })
    samples.id = (await api(server.url, '/api/v1/exceptions?limit=1')).body.items[0].id
    samples.name = 'utilization'
    samples.trace_id = 'ab'.repeat(16)
    samples.traceId = samples.trace_id
    samples.system = 'kantata'
    samples.run_id = (await api(server.url, '/api/v1/sources/kantata/pull?mode=full', { method: 'POST' })).body.run_id
    await until(async () => (await api(server.url, `/api/v1/sources/kantata/runs/${samples.run_id}`)).body.status !== 'running')
    const dl = (await api(server.url, '/api/v1/dead-letters?limit=1')).body.items[0]
    samples.dead_letter = dl?.id
    doc = (await api(server.url, '/api/v1/openapi.json')).body
  })

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0')
    const result = await validate(structuredClone(doc) as never)
    expect(result.valid, result.valid ? '' : compileErrors(result).slice(0, 2000)).toBe(true)
  })

  it('documents every route the server answers', () => {
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`)))
    // The contract itself and the dashboard's files are not API routes.
    const own = new Set(['GET /api/v1/openapi.json', 'GET /api/v1/reference'])
    const served = [...new Set(app.routes.filter((r) => r.method !== 'ALL' && (r.path.startsWith('/api/') || r.path.startsWith('/v1/'))).map((r) => `${r.method} ${r.path}`))]
    expect(served.filter((r) => !documented.has(r) && !own.has(r))).toEqual([])
  })

  it('lists every field of every answer: objects are closed unless they are maps', () => {
    const open: string[] = []
    const walk = (node: unknown, at: string) => {
      if (!node || typeof node !== 'object') return
      const n = node as Record<string, unknown>
      if (n.type === 'object' && n.properties && n.additionalProperties !== false) open.push(at)
      for (const [k, v] of Object.entries(n)) walk(v, `${at}/${k}`)
    }
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) walk((op as { responses?: unknown }).responses?.['200' as never], `${method} ${path}`)
    walk((doc as { components?: { schemas?: unknown } }).components?.schemas, 'components')
    expect(open).toEqual([])
  })

  it('answers every documented GET as its schema says', async () => {
    const routes = (app.openAPIRegistry.definitions as unknown as Array<{ type: string; route: RouteDef }>).filter((d) => d.type === 'route').map((d) => d.route)
    const gets = routes.filter((r) => r.method === 'get' && r.responses['200']?.content?.['application/json']?.schema)
    expect(gets.length).toBeGreaterThan(20)
    const problems: string[] = []
    for (const r of gets) {
      const url = r.path.replace(/\{(\w+)\}/g, (_: string, k: string) => encodeURIComponent(k === 'id' && r.path.includes('dead-letters') ? samples.dead_letter : samples[k]))
      const res = await api(server.url, url)
      if (res.status !== 200) {
        problems.push(`${url}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`)
        continue
      }
      const parsed = r.responses['200'].content!['application/json'].schema!.safeParse(res.body)
      if (!parsed.success) problems.push(`${url}: ${parsed.error.issues.slice(0, 3).map((i: { path: PropertyKey[]; message: string }) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
    }
    expect(problems).toEqual([])
  })
})
