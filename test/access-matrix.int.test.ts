// The access matrix of CONTRACT §7: every route of the app × every kind of caller, on a real
// server. The routes come from the app's own route table, so a route without a declared role
// (in POLICY and in the hand-written table below) fails here. Expectations are written out per
// role below and compared with both the server's answers and the policy's decide().
import { beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../server/app.ts'
import { decide, POLICY } from '../server/auth/policy.ts'
import type { Principal } from '../server/auth/principal.ts'
import { sha256Hex } from '../server/auth/tokens.ts'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'
import { staticWeb } from '../server/web.ts'
import { ManualClock } from '../server/lib/clock.ts'
import { ADMIN, api } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'
import { createUser, newToken, signIn } from './helpers/access.ts'

type Who = 'executive' | 'ops' | 'finance' | 'admin' | 'collector:kantata' | 'collector:netsuite' | 'collector:workday'
const [E, O, F, A, K, N, W] = ['executive', 'ops', 'finance', 'admin', 'collector:kantata', 'collector:netsuite', 'collector:workday'] as const
const PEOPLE: Who[] = [E, O, F, A]
const READ: Who[] = [O, F, A]

// CONTRACT §7 by hand. executive: KPIs, exception summary, health, auth. ops: read everything,
// triage, replay. finance: read everything, triage (finance rules, checked per rule), exports.
// admin: everything. collector: ingest for its own system only (the matrix ingests for kantata).
const EXPECTED: Record<string, 'public' | Who[]> = {
  'GET /api/v1/health': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/logout': PEOPLE,
  'GET /api/v1/auth/me': PEOPLE,
  'POST /api/v1/ingest/:system/:entity': [A, K],
  'POST /v1/traces': [A, K, N, W],
  // Prometheus: the metrics token of the config (test/observability-metrics), else an admin.
  'GET /metrics': [A],
  'GET /api/v1/openapi.json': PEOPLE,
  'GET /api/v1/reference': [A],
  'GET /api/v1/kpis': PEOPLE,
  'GET /api/v1/kpis/:name': PEOPLE,
  'GET /api/v1/kpis/:name/records': PEOPLE,
  'GET /api/v1/kpis/forecast_accuracy/weekly': PEOPLE,
  'GET /api/v1/exceptions/summary': PEOPLE,
  'GET /api/v1/exceptions/timeline': PEOPLE,
  'GET /api/v1/exceptions': READ,
  'GET /api/v1/exceptions/:id': READ,
  'POST /api/v1/exceptions/:id/actions': READ,
  'POST /api/v1/exceptions/actions': READ,
  'POST /api/v1/detect': READ,
  'GET /api/v1/sources': READ,
  'POST /api/v1/sources/:system/pull': [A],
  'GET /api/v1/sources/:system/runs': [A],
  'GET /api/v1/sources/:system/runs/:run_id': [A],
  'GET /api/v1/dead-letters': READ,
  'GET /api/v1/dead-letters/:id': READ,
  'POST /api/v1/dead-letters/:id/replay': [O, A],
  'POST /api/v1/dead-letters/replay': [O, A],
  'GET /api/v1/transactions': READ,
  'GET /api/v1/transactions/health': READ,
  'GET /api/v1/transactions/:traceId': READ,
  'GET /api/v1/notifications': READ,
  // "Send test" sends to a configured channel: admins, like the settings that configure it.
  'POST /api/v1/notifications/test': [A],
  // Subscriptions to saved views: whoever reads the exception list (their own; admins all).
  'GET /api/v1/subscriptions': READ,
  'POST /api/v1/subscriptions': READ,
  'DELETE /api/v1/subscriptions/:id': READ,
  // finance: exports; everyone who reads: the reconciliation and month-close views.
  'GET /api/v1/exports/exceptions.csv': [F, A],
  'GET /api/v1/exports/exceptions.xlsx': [F, A],
  'GET /api/v1/exports/reconciliation.csv': [F, A],
  'GET /api/v1/exports/reconciliation.xlsx': [F, A],
  'GET /api/v1/reconciliation': READ,
  'GET /api/v1/reconciliation/records': READ,
  'GET /api/v1/close': READ,
  'GET /api/v1/users': [A],
  'POST /api/v1/users': [A],
  'PATCH /api/v1/users/:id': [A],
  'GET /api/v1/tokens': [A],
  'POST /api/v1/tokens': [A],
  'DELETE /api/v1/tokens/:id': [A],
  'GET /api/v1/audit': [A],
  // Backups and restores of the whole database (server/ops/).
  'POST /api/v1/admin/backup': [A],
  'POST /api/v1/admin/restore': [A],
  'GET /api/v1/settings': [A],
  'PUT /api/v1/settings': [A],
  'POST /api/v1/settings/routing/preview': [A],
}

type Outcome = 'allow' | 'unauthenticated' | 'forbidden'
interface Caller {
  label: string
  who: Who | null
  headers: Record<string, string>
  csrf?: string
}

const PARAMS: Record<string, string> = {
  system: 'kantata',
  entity: 'resource',
  id: 'x0000000000000001',
  name: 'utilization',
  traceId: `${'0'.repeat(31)}1`,
}
const fill = (path: string) => path.replace(/:(\w+)/g, (_, p: string) => PARAMS[p] ?? `unknown-${p}`)
// Requests that pass authorization but change nothing of note (a bad date, an empty batch).
const REQUEST: Record<string, { query?: string; body?: string; type?: string }> = {
  'POST /api/v1/ingest/:system/:entity': { body: '', type: 'application/x-ndjson' },
  'POST /v1/traces': { body: '{}', type: 'application/json' },
  'POST /api/v1/detect': { query: 'as_of=not-a-date' },
}
const NON_AUTH = [200, 201, 400, 404, 409]
/** Lists and summaries: with no parameters, an allowed caller gets exactly 200. */
const LISTS = new Set([
  'GET /api/v1/health', 'GET /api/v1/auth/me', 'GET /api/v1/kpis', 'GET /api/v1/kpis/:name', 'GET /api/v1/exceptions/summary', 'GET /api/v1/exceptions/timeline', 'GET /api/v1/openapi.json', 'GET /api/v1/reference',
  'GET /api/v1/exceptions', 'GET /api/v1/sources', 'GET /api/v1/dead-letters', 'GET /api/v1/transactions', 'GET /api/v1/transactions/health',
  'GET /api/v1/notifications', 'GET /api/v1/subscriptions', 'GET /api/v1/users', 'GET /api/v1/tokens', 'GET /api/v1/audit', 'GET /api/v1/reconciliation',
  'GET /api/v1/reconciliation/records', 'GET /api/v1/close', 'GET /api/v1/exports/exceptions.csv', 'GET /api/v1/exports/exceptions.xlsx',
  'GET /api/v1/exports/reconciliation.csv', 'GET /api/v1/exports/reconciliation.xlsx', 'GET /api/v1/settings', 'GET /metrics',
])
const authOutcome = (status: number): Outcome | 'other' => (status === 401 ? 'unauthenticated' : status === 403 ? 'forbidden' : 'other')

function explicit(route: string, who: Who | null): Outcome {
  const e = EXPECTED[route]
  if (e === 'public') return 'allow'
  if (!who) return 'unauthenticated'
  return e.includes(who) ? 'allow' : 'forbidden'
}

function principalOf(who: Who | null): Principal | null {
  if (!who) return null
  if (who.startsWith('collector:')) return { kind: 'collector', id: who, system: who.slice('collector:'.length) }
  return { kind: 'user', id: who, name: who, email: `${who}@firm.example`, role: who as 'admin', via: 'token' }
}

const systemOf = (route: string) => (route.startsWith('POST /api/v1/ingest/') ? PARAMS.system : null)

/** The dashboard's files: every path the API does not answer. */
const STATIC = 'GET /*'

/** The server's routes as `METHOD /path`, built as serve.ts builds them, without middleware (ALL). */
function routeTable(services: Parameters<typeof buildApp>[0]): string[] {
  const app = buildApp(services)
  staticWeb(app)
  return [...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))]
}
const apiRoutes = (services: Parameters<typeof buildApp>[0]) => routeTable(services).filter((r) => r !== STATIC)

/** Sends one request as `caller` and says which mismatch, if any, it found. */
async function probe(base: string, route: string, caller: Caller, expectCsrf?: 'csrf'): Promise<string | null> {
  const [method, path] = route.split(' ')
  const spec = REQUEST[route] ?? (method === 'GET' ? {} : { body: '{}', type: 'application/json' })
  const headers: Record<string, string> = { ...caller.headers }
  if (spec.type) headers['content-type'] = spec.type
  if (caller.csrf && method !== 'GET') headers['x-csrf-token'] = caller.csrf
  const r = await api(base, `${fill(path)}${spec.query ? `?${spec.query}` : ''}`, { method, headers, body: spec.body, token: null })
  const want = explicit(route, caller.who)
  const got = authOutcome(r.status)
  const say = (why: string) => `${route} as ${caller.label}: ${why} (got ${r.status} ${JSON.stringify(r.body).slice(0, 160)})`
  if (expectCsrf) return r.status === 403 && r.body?.error?.code === 'csrf' ? null : say('expected 403 csrf')
  if (want === 'allow') {
    if (got !== 'other' || !NON_AUTH.includes(r.status)) return say('expected a non-auth status')
    if (LISTS.has(route) && r.status !== 200) return say('expected 200')
    return null
  }
  if (got !== want) return say(`expected ${want}`)
  if (want === 'unauthenticated' && (r.body?.error?.code !== 'unauthorized' || !r.headers.get('www-authenticate'))) return say('expected code unauthorized and WWW-Authenticate')
  if (want === 'forbidden' && r.body?.error?.code !== 'forbidden') return say('expected code forbidden')
  return null
}

/** Logout last: it ends the caller's session. */
const ordered = (routes: string[]) => [...routes.filter((r) => r !== 'POST /api/v1/auth/logout'), ...routes.filter((r) => r === 'POST /api/v1/auth/logout')]

const WORKDAY_TOKEN = 'config-collector-token-of-workday'
const config = (auth: object = {}) =>
  parseConfig({ sources: DEMO_SOURCES.map((s) => (s.system === 'workday' ? { ...s, token_sha256: sha256Hex(WORKDAY_TOKEN) } : s)), auth })

describe('access matrix', () => {
  const server = useServer({ config: config() })
  let routes: string[]
  const callers: Caller[] = []

  beforeAll(async () => {
    const base = server.url
    routes = apiRoutes(server.services)
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` })
    callers.push({ label: 'no credentials', who: null, headers: {} })
    callers.push({ label: 'admin token', who: A, headers: bearer(ADMIN) })
    for (const role of PEOPLE) {
      const u = await createUser(base, role)
      const t = await newToken(base, { kind: 'personal', user_id: u.id })
      callers.push({ label: `${role} personal token`, who: role, headers: bearer(t.token) })
      const s = await signIn(base, u.email, u.password)
      callers.push({ label: `${role} session`, who: role, headers: { cookie: s.cookie }, csrf: s.csrf })
    }
    callers.push({ label: 'kantata collector token', who: K, headers: bearer((await newToken(base, { kind: 'collector', system: 'kantata' })).token) })
    callers.push({ label: 'netsuite collector token', who: N, headers: bearer((await newToken(base, { kind: 'collector', system: 'netsuite' })).token) })
    callers.push({ label: 'workday collector token (config)', who: W, headers: bearer(WORKDAY_TOKEN) })
    const admins = await api(base, '/api/v1/users')
    const adminUser = admins.body.items.find((u: { role: string }) => u.role === 'admin')
    const revoked = await newToken(base, { kind: 'personal', user_id: adminUser.id })
    expect((await api(base, `/api/v1/tokens/${revoked.id}`, { method: 'DELETE' })).status).toBe(200)
    callers.push({ label: 'revoked admin token', who: null, headers: bearer(revoked.token) })
    callers.push({ label: 'made-up token', who: null, headers: bearer('cwp_not-a-real-token') })
    callers.push({ label: 'made-up session', who: null, headers: { cookie: 'cw_session=not-a-real-session' }, csrf: 'x' })
  })

  it('every route declares its access in POLICY, and every POLICY entry is a route', () => {
    const all = routeTable(server.services)
    expect(routes.length).toBeGreaterThan(20)
    expect(all).toContain(STATIC)
    expect(all.filter((r) => !(r in POLICY))).toEqual([])
    expect(Object.keys(POLICY).filter((k) => !all.includes(k))).toEqual([])
    expect(POLICY[STATIC]).toBe('public')
  })

  it('every route has an expectation written out from CONTRACT §7', () => {
    expect(routes.filter((r) => !(r in EXPECTED))).toEqual([])
  })

  it('the written-out matrix and the policy agree for every route and caller', () => {
    const disagree: string[] = []
    for (const route of routes)
      for (const who of [null, ...PEOPLE, K, N, W] as (Who | null)[]) {
        const policy = decide(POLICY[route], principalOf(who), systemOf(route))
        if (policy !== explicit(route, who)) disagree.push(`${route} as ${who ?? 'nobody'}: policy says ${policy}, CONTRACT §7 ${explicit(route, who)}`)
      }
    expect(disagree).toEqual([])
  })

  it('the server answers every route × caller as the matrix says', async () => {
    expect(callers).toHaveLength(16)
    const wrong: string[] = []
    for (const caller of callers) for (const route of ordered(routes)) {
      const w = await probe(server.url, route, caller)
      if (w) wrong.push(w)
    }
    expect(wrong).toEqual([])
  })

  it('a cookie session gets 403 csrf without X-CSRF-Token on every state-changing route', async () => {
    const admin = (await api(server.url, '/api/v1/users')).body.items.find((u: { role: string }) => u.role === 'admin')
    expect((await api(server.url, `/api/v1/users/${admin.id}`, { method: 'PATCH', body: '{"password": "a-new-admin-password"}', headers: { 'content-type': 'application/json' } })).status).toBe(200)
    const s = await signIn(server.url, admin.email, 'a-new-admin-password')
    const unsafe = routes.filter((r) => !r.startsWith('GET ') && r !== 'POST /api/v1/auth/login')
    expect(unsafe.length).toBeGreaterThan(10)
    const wrong: string[] = []
    for (const route of unsafe) {
      const w = await probe(server.url, route, { label: 'admin session without CSRF', who: null, headers: { cookie: s.cookie } }, 'csrf')
      if (w) wrong.push(w)
    }
    expect(wrong).toEqual([])
    expect((await api(server.url, '/api/v1/auth/me', { headers: { cookie: s.cookie }, token: null })).status).toBe(200)
  })

  it('collectors ingest for their own system only; the dashboard files are public', async () => {
    const kantata = await newToken(server.url, { kind: 'collector', system: 'kantata' })
    const netsuite = await newToken(server.url, { kind: 'collector', system: 'netsuite' })
    const send = (system: string, token: string) =>
      api(server.url, `/api/v1/ingest/${system}/resource`, { method: 'POST', body: '', headers: { 'content-type': 'application/x-ndjson' }, token })
    expect((await send('netsuite', netsuite.token)).status).toBe(200)
    const cross = await send('netsuite', kantata.token)
    expect(cross.status).toBe(403)
    expect(cross.body.error.message).toMatch(/kantata.*netsuite/)
    expect((await send('workday', netsuite.token)).status).toBe(403)
    expect((await send('workday', WORKDAY_TOKEN)).status).toBe(200)
    expect((await send('kantata', WORKDAY_TOKEN)).status).toBe(403)
    // Built or not, the dashboard's files need no credentials (404 says it is not built yet).
    for (const path of ['/', '/exceptions', '/assets/app.js']) {
      const r = await api(server.url, path, { token: null })
      expect([200, 404]).toContain(r.status)
      expect(String(r.body)).not.toMatch(/forbidden|unauthorized/)
    }
    // A path no route answers is a 404, whoever asks.
    for (const token of [null, ADMIN]) {
      const r = await api(server.url, '/api/v1/no-such-route', { token })
      expect(r.status).toBe(404)
      expect(r.body.error.code).toBe('not_found')
    }
  })
})

describe('access matrix: an expired session', () => {
  // At the real time (the sessions table's TTL follows the engine's clock), then moved past idle.
  const clock = new ManualClock(new Date())
  const server = useServer({ clock, config: config({ session_idle_minutes: 30 }) })

  it('is treated as no credentials on every route', async () => {
    const u = await createUser(server.url, 'admin')
    const s = await signIn(server.url, u.email, u.password)
    clock.advance(30 * 60_000 + 1)
    const caller: Caller = { label: 'expired admin session', who: null, headers: { cookie: s.cookie }, csrf: s.csrf }
    const wrong: string[] = []
    for (const route of ordered(apiRoutes(server.services))) {
      const w = await probe(server.url, route, caller)
      if (w) wrong.push(w)
    }
    expect(wrong).toEqual([])
  })
})
