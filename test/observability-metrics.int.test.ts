// GET /metrics, scraped after ingest, detection, failing notifications, a failed connector pull
// and some requests, and parsed with a Prometheus text parser: every series says exactly what
// happened. The route takes its own token (a `${ENV}` secret of the config) or an admin; a
// metrics listener on a local address serves it without one. Each server has its own registry.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'
import { ManualClock } from '../server/lib/clock.ts'
import { SpanLog } from '../server/traces/span-log.ts'
import { settleSpans } from '../server/traces/store.ts'
import { StartupError } from '../server/lib/errors.ts'
import { batchFile, ingestFirm, plan } from './helpers/firm.ts'
import { ADMIN, api, ingest, tempDir } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'
import { newToken } from './helpers/access.ts'
import { parseMetrics, samples, valueOf, type Family } from './helpers/prometheus.ts'

const METRICS_TOKEN = 'metrics-token-of-the-test-0123456789'

/** A webhook receiver that always answers 500. */
async function failingReceiver() {
  let hits = 0
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      hits++
      res.statusCode = 500
      res.end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, hits: () => hits, close: () => new Promise<void>((r) => server.close(() => r())) }
}

const scrape = async (base: string, token: string | null = METRICS_TOKEN) => {
  const r = await api(base, '/metrics', { token })
  return { ...r, families: r.status === 200 ? parseMetrics(r.body) : new Map<string, Family>() }
}

describe('GET /metrics', () => {
  let hook: Awaited<ReturnType<typeof failingReceiver>>
  const server = useServer(async () => {
    hook = await failingReceiver()
    // Kantata's connector points at a closed port: its pull fails at once.
    const sources = DEMO_SOURCES.map((s) =>
      s.system === 'kantata' ? { ...s, connector: { type: 'kantata', base_url: 'http://127.0.0.1:9', auth: { type: 'token', token: 'unused' }, limits: { retries: 0, timeout_ms: 2000 } } } : s,
    )
    const config = parseConfig(
      {
        sources,
        owners: [{ id: 'billing', webhook: hook.url }, { id: 'integration-team', webhook: hook.url }],
        notify: { max_attempts: 2, backoff_ms: 10 },
        metrics: { token: '${CWT_METRICS_TOKEN}' },
      },
      'test config',
      { CWT_METRICS_TOKEN: METRICS_TOKEN },
    )
    return { config, clock: new ManualClock('2026-09-01T00:00:00Z') }
  })
  afterAll(() => hook?.close())

  let ingested: Awaited<ReturnType<typeof ingestFirm>>
  let bad: Awaited<ReturnType<typeof ingest>>
  let run: { rules: Record<string, unknown> }
  let families: Map<string, Family>

  beforeAll(async () => {
    ingested = await ingestFirm(server.url)
    bad = await ingest(server.url, 'kantata', 'resource', '{"key": "R-bad", "name": 12}\nnot json\n', 'batch=bad-lines')
    const d = await api(server.url, `/api/v1/detect?as_of=${plan.as_of}`, { method: 'POST' })
    expect(d.status).toBe(200)
    run = d.body
    await server.services.notifier.idle()
    const pull = await server.services.connectors!.pull('kantata', 'full', 'test')
    expect((await pull.done).status).toBe('failed')
    await api(server.url, '/api/v1/exceptions/x0000000000000001')
    await api(server.url, '/v1/traces', { method: 'POST', body: '{"resourceSpans": []}', headers: { 'content-type': 'application/json' } })
    await settleSpans(server.db)
    const s = await scrape(server.url)
    expect(s.status, String(s.body).slice(0, 300)).toBe(200)
    expect(s.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    families = s.families
  })

  it('counts ingested rows and rejects per source and entity, and times every batch', () => {
    const want = new Map<string, { rows: number; rejects: number; batches: number }>()
    const add = (system: string, entity: string, r: { accepted: number; rejected: number; duplicate: boolean }) => {
      const w = want.get(`${system}/${entity}`) ?? { rows: 0, rejects: 0, batches: 0 }
      if (!r.duplicate) (w.rows += r.accepted), (w.rejects += r.rejected)
      w.batches++
      want.set(`${system}/${entity}`, w)
    }
    for (const { call, result } of ingested) add(call.system, call.entity, result)
    add('kantata', 'resource', bad.body)
    expect(bad.body.rejected).toBe(2)
    expect(want.size).toBeGreaterThan(5)
    for (const [k, w] of want) {
      const [system, entity] = k.split('/')
      expect(valueOf(families, 'crosswalk_ingest_rows_total', { system, entity }), k).toBe(w.rows)
      expect(valueOf(families, 'crosswalk_ingest_rejects_total', { system, entity }), k).toBe(w.rejects)
      expect(valueOf(families, 'crosswalk_ingest_batch_duration_seconds', { system, entity }), k).toBe(w.batches)
    }
    expect(samples(families, 'crosswalk_ingest_rows_total').filter((s) => s.labels?.system !== 'otlp')).toHaveLength(want.size)
    expect(families.get('crosswalk_ingest_batch_duration_seconds')!.type).toBe('HISTOGRAM')
  })

  it('times each detection run and each rule in it', () => {
    expect(valueOf(families, 'crosswalk_detection_run_duration_seconds', { trigger: 'api' })).toBe(1)
    const rules = Object.keys(run.rules)
    expect(rules.length).toBeGreaterThan(5)
    for (const rule of rules) expect(valueOf(families, 'crosswalk_detection_rule_duration_seconds', { rule }), rule).toBe(1)
    expect(samples(families, 'crosswalk_detection_rule_duration_seconds').map((s) => s.labels!.rule).sort()).toEqual(rules.sort())
  })

  it('times HTTP requests by route pattern, never by raw path', () => {
    const byRoute = (route: string, method: string, status: string) => valueOf(families, 'crosswalk_http_request_duration_seconds', { route, method, status })
    expect(byRoute('/api/v1/ingest/:system/:entity', 'POST', '200')).toBe(ingested.length + 1)
    expect(byRoute('/api/v1/detect', 'POST', '200')).toBe(1)
    expect(byRoute('/api/v1/exceptions/:id', 'GET', '404')).toBe(1)
    expect(byRoute('/v1/traces', 'POST', '200')).toBe(1)
    const routes = new Set(samples(families, 'crosswalk_http_request_duration_seconds').map((s) => s.labels!.route))
    for (const r of routes) expect(r).not.toMatch(/kantata|x0000|salesforce/)
  })

  it('counts notification failures and connector runs', () => {
    expect(hook.hits()).toBeGreaterThan(1)
    // Every delivery made its two attempts, and each was given up.
    expect(valueOf(families, 'crosswalk_notification_attempt_failures_total')).toBe(hook.hits())
    expect(valueOf(families, 'crosswalk_notification_failures_total')).toBe(hook.hits() / 2)
    expect(valueOf(families, 'crosswalk_connector_runs_total', { system: 'kantata', status: 'failed' })).toBe(1)
    expect(samples(families, 'crosswalk_connector_runs_total')).toHaveLength(1)
  })

  it('reads the engine memory, the span log backlog and the process metrics at scrape time', () => {
    expect(valueOf(families, 'crosswalk_engine_memory_bytes')).toBeGreaterThan(1024 * 1024)
    if (server.db.dataDir) {
      // Settled just before the scrape: nothing waits.
      expect(valueOf(families, 'crosswalk_span_log_segments')).toBe(0)
      expect(valueOf(families, 'crosswalk_span_log_bytes')).toBe(0)
    } else expect(families.has('crosswalk_span_log_segments')).toBe(false)
    expect(valueOf(families, 'process_cpu_user_seconds_total')).toBeGreaterThan(0)
    expect(valueOf(families, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0)
    expect(samples(families, 'crosswalk_build_info')[0].labels?.version).toBe(server.services.version)
  })

  it('answers 401 without the metrics token, 403 to other tokens but an admin, 200 to both of those', async () => {
    const none = await scrape(server.url, null)
    expect(none.status).toBe(401)
    expect(none.body.error.code).toBe('unauthorized')
    expect((await scrape(server.url, 'metrics-token-of-the-test-0123456788')).status).toBe(401)
    const collector = await newToken(server.url, { kind: 'collector', system: 'kantata' })
    expect((await scrape(server.url, collector.token)).status).toBe(403)
    expect((await scrape(server.url, ADMIN)).status).toBe(200)
    const again = await scrape(server.url)
    expect(again.status).toBe(200)
    // The scrapes in between are counted too, by their own status.
    expect(valueOf(again.families, 'crosswalk_http_request_duration_seconds', { route: '/metrics', status: '401' })).toBe(2)
  })
})

describe('a metrics listener on a local address', () => {
  const server = useServer({ config: parseConfig({ sources: DEMO_SOURCES, metrics: { listen: { port: 0 } } }) })

  it('serves /metrics without a token, and only that; the API port still wants credentials', async () => {
    const url = server.running.metricsUrl!
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(url).not.toBe(server.url)
    const line = batchFile('005-kantata-resource.ndjson').split('\n')[0]
    expect((await ingest(server.url, 'kantata', 'resource', `${line}\n`, 'batch=one')).body).toMatchObject({ accepted: 1, rejected: 0 })
    const r = await api(url, '/metrics', { token: null })
    expect(r.status).toBe(200)
    const families = parseMetrics(r.body)
    // Its own registry: only what this server did.
    expect(samples(families, 'crosswalk_ingest_rows_total')).toEqual([{ labels: { system: 'kantata', entity: 'resource' }, value: '1' }])
    expect((await api(url, '/api/v1/health', { token: null })).status).toBe(404)
    expect((await api(server.url, '/metrics', { token: null })).status).toBe(401)
  })
})

describe('metrics config', () => {
  const parse = (metrics: object, env: NodeJS.ProcessEnv = {}) => () => parseConfig({ sources: DEMO_SOURCES, metrics }, 'crosswalk.yaml', env)

  it('resolves the token from the environment and names what is wrong', () => {
    expect(parse({ token: '${MT}' }, { MT: METRICS_TOKEN })().metrics.token).toBe(METRICS_TOKEN)
    expect(parse({ token: '${MT}' })).toThrow(new StartupError('Invalid config in crosswalk.yaml: metrics.token refers to the environment variable MT, which is not set.'))
    expect(parse({ token: 'short' })).toThrow(/metrics\.token: expected at least 16 characters/)
    expect(parse({ listen: { host: '0.0.0.0', port: 9464 } })).toThrow(/metrics\.listen\.host: 0\.0\.0\.0 is not a loopback address; set metrics\.token/)
    expect(parse({ listen: { host: '0.0.0.0', port: 9464 }, token: METRICS_TOKEN })().metrics.listen).toEqual({ host: '0.0.0.0', port: 9464 })
    expect(parse({ listen: { port: 9464 }, extra: 1 })).toThrow(/metrics: Unrecognized key|extra/)
  })
})

describe('span log backlog', () => {
  it('counts the bytes acknowledged and not yet loaded', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const log = SpanLog.open(tempDir(), () => gate, { maxAgeMs: 60_000 }, () => {})
    await log.write((out) => out.push('a\tb'))
    await log.write((out) => out.push('cdef'))
    expect(log.pendingBytes()).toBe('a\tb\n'.length + 'cdef\n'.length)
    expect(log.status().pending).toBe(1)
    release()
    await log.settle()
    expect(log.pendingBytes()).toBe(0)
    await log.close()
  })
})
