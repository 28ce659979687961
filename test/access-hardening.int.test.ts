// Hardening and the rest of issue 5: finance-only triage on real exceptions (firm-small),
// security headers, body size limits, error bodies without stacks or SQL, the ingest rate limit
// per token, and the `crosswalk user|token` CLI against a running server.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'
import { ADMIN, api } from './helpers/server.ts'
import { ingestFirm, plan } from './helpers/firm.ts'
import { createUser, json, newToken, signIn } from './helpers/access.ts'
import { useServer, type ServerFixture } from './helpers/fixture.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Every error body this file receives, checked at the end for stacks and SQL. */
const errors: Array<{ where: string; body: any; text: string }> = []
async function call(base: string, p: string, init: Parameters<typeof api>[2] = {}) {
  const r = await api(base, p, init)
  if (r.status >= 400) errors.push({ where: `${r.status} ${init.method ?? 'GET'} ${p}`, body: r.body, text: typeof r.body === 'string' ? r.body : JSON.stringify(r.body) })
  return r
}

function cli(server: ServerFixture, args: string[], input?: string, token = ADMIN): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'server/cli/crosswalk.mjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, CROSSWALK_SERVER: server.url, CROSSWALK_TOKEN: token, CROSSWALK_ADMIN_TOKEN: '' },
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }))
    child.stdin.end(input ?? '')
  })
}

describe('hardening', () => {
  const server = useServer({ config: parseConfig({ sources: DEMO_SOURCES }) })

  it('finance rules are triaged by finance, the others by ops; admins triage both; triage is audited', async () => {
    await ingestFirm(server.url)
    expect((await call(server.url, `/api/v1/detect?as_of=${plan.as_of}`, { method: 'POST' })).status).toBe(200)
    const ids = async (rule: string) => (await call(server.url, `/api/v1/exceptions?rule=${rule}&limit=3`)).body.items.map((e: { id: string }) => e.id)
    const [fin1, fin2, fin3] = await ids('time_entry_missing_in_erp')
    const [ops1, ops2, ops3] = await ids('assignment_on_closed_project')
    expect([fin1, fin2, fin3, ops1, ops2, ops3].every(Boolean)).toBe(true)
    const token = async (role: string) => (await newToken(server.url, { kind: 'personal', user_id: (await createUser(server.url, role)).id })).token
    const [opsT, finT] = [await token('ops'), await token('finance')]
    const act = (id: string, t: string, action = 'acknowledge') => call(server.url, `/api/v1/exceptions/${id}/actions`, { ...json({ action, note: 'seen' }), token: t })

    const opsOnFinance = await act(fin1, opsT)
    expect(opsOnFinance.status).toBe(403)
    expect(opsOnFinance.body.error.code).toBe('forbidden')
    expect((await call(server.url, `/api/v1/exceptions/${fin1}`)).body.status).toBe('open')
    const finOnFinance = await act(fin1, finT)
    expect(finOnFinance.status).toBe(200)
    expect(finOnFinance.body.status).toBe('acknowledged')

    expect((await act(ops1, finT)).status).toBe(403)
    expect((await call(server.url, `/api/v1/exceptions/${ops1}`)).body.status).toBe('open')
    expect((await act(ops1, opsT)).body.status).toBe('acknowledged')
    // Comments and resolutions follow the same rule.
    expect((await act(fin1, opsT, 'resolve')).status).toBe(403)
    expect((await act(ops1, finT, 'comment')).status).toBe(403)
    // In bulk, what the role may not triage is skipped, not applied.
    const bulk = await call(server.url, '/api/v1/exceptions/actions', { ...json({ action: 'acknowledge', ids: [fin2, ops2] }), token: opsT })
    expect(bulk.status).toBe(200)
    expect({ applied: bulk.body.applied, skipped: bulk.body.skipped }).toEqual({ applied: 1, skipped: 1 })
    expect((await call(server.url, `/api/v1/exceptions/${fin2}`)).body.status).toBe('open')
    // Admins triage both kinds.
    for (const id of [fin3, ops3]) expect((await act(id, ADMIN)).status).toBe(200)

    const audit = (await call(server.url, '/api/v1/audit?action=exception_acknowledge')).body.items
    expect(audit.find((e: { target: string }) => e.target === fin1)).toMatchObject({ actor: 'finance@firm.example', outcome: 'ok', ip: '127.0.0.1' })
    expect(audit.find((e: { target: string }) => e.target === ops1)).toMatchObject({ actor: 'ops@firm.example', outcome: 'ok' })
  })

  it('sends security headers on API answers, errors and the dashboard', async () => {
    for (const [p, token] of [['/api/v1/health', null], ['/api/v1/exceptions', null], ['/api/v1/exceptions', ADMIN], ['/', null]] as const) {
      const r = await call(server.url, p, { token })
      const csp = r.headers.get('content-security-policy') ?? ''
      const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]))
      expect(directives['script-src'], `${p}: ${csp}`).toEqual(["'self'"])
      expect(directives['default-src']).toEqual(["'self'"])
      expect(directives['frame-ancestors']).toEqual(["'none'"])
      expect(directives['object-src']).toEqual(["'none'"])
      expect(csp).not.toMatch(/unsafe-eval/)
      expect(r.headers.get('x-content-type-options')).toBe('nosniff')
      expect(r.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
      expect(r.headers.get('x-frame-options')).toBe('DENY')
    }
  })

  it('refuses JSON bodies over the limit with 413, with or without a Content-Length', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), email: 'big@firm.example', role: 'ops' })
    const sized = await call(server.url, '/api/v1/users', { ...json({}), body: big })
    expect(sized.status).toBe(413)
    expect(sized.body.error.code).toBe('payload_too_large')
    const anon = await call(server.url, '/api/v1/auth/login', { ...json({}), body: big, token: null })
    expect(anon.status).toBe(413)
    const chunks = [new TextEncoder().encode(big)]
    const streamed = await call(server.url, '/api/v1/exceptions/actions', {
      ...json({}),
      body: new ReadableStream({ pull: (c) => (chunks.length ? c.enqueue(chunks.shift()!) : c.close()) }),
      duplex: 'half',
    } as RequestInit)
    expect(streamed.status).toBe(413)
    expect((await call(server.url, '/api/v1/users')).body.items.some((u: { email: string }) => u.email === 'big@firm.example')).toBe(false)
  })

  it('never puts a stack trace or SQL in an error body', async () => {
    const bad: Array<[string, RequestInit?]> = [
      ['/api/v1/exceptions?sort=amount;drop table users'],
      ['/api/v1/exceptions?entity_key=%27%20or%201%3D1%20--&limit=99999'],
      ['/api/v1/exceptions?cursor=not-a-cursor'],
      ['/api/v1/exceptions?rule=nope&status=weird'],
      ["/api/v1/exceptions/'%3B%20drop%20table%20x"],
      ['/api/v1/audit?cursor=%7B%22x%22%3A1%7D'],
      ['/api/v1/kpis/no_such_kpi'],
      ['/api/v1/kpis/utilization?as_of=yesterday'],
      ['/api/v1/transactions/not-hex'],
      ['/api/v1/dead-letters?status=nope'],
      ['/api/v1/users', { ...json({}), body: '{"name": ' }],
      ['/api/v1/tokens', json({ kind: 'personal', user_id: "usr_' or 1=1" })],
      ['/api/v1/tokens', json({ kind: 'collector', system: 'kantata', expires_at: 'soon' })],
      ['/api/v1/exceptions/x/actions', json({ action: 'explode' })],
      ['/api/v1/ingest/kantata/resource?mode=sideways', { method: 'POST', body: '', headers: { 'content-type': 'application/x-ndjson' } }],
      ['/api/v1/ingest/kantata/nothing', { method: 'POST', body: '', headers: { 'content-type': 'application/x-ndjson' } }],
      ['/v1/traces', { method: 'POST', body: '{"resourceSpans": 7}', headers: { 'content-type': 'application/json' } }],
      ['/v1/traces', { method: 'POST', body: 'garbage', headers: { 'content-type': 'application/x-protobuf' } }],
    ]
    for (const [p, init] of bad) expect((await call(server.url, p, init)).status, p).toBeGreaterThanOrEqual(400)
    expect(errors.length).toBeGreaterThanOrEqual(bad.length)
    const stackOrSql = /\n\s+at |\.(ts|js|mjs):\d+|node_modules|DB::Exception|Code: \d+|Syntax error|\b(SELECT|FROM|WHERE|INSERT INTO|GROUP BY)\b|chdb|clickhouse/
    // Malformed lines are reported per line in a 200 answer: no internals there either.
    const lines = await call(server.url, '/api/v1/ingest/kantata/resource', { method: 'POST', body: '{"key": 1}\n{not json\n[1,2]\n', headers: { 'content-type': 'application/x-ndjson' } })
    expect(lines.status).toBe(200)
    expect(JSON.stringify(lines.body)).not.toMatch(stackOrSql)
    const leaks = errors.filter((e) => stackOrSql.test(e.text) || /chdb|clickhouse/i.test(e.text))
    expect(leaks).toEqual([])
    // Every error is the one shape: {error: {code, message, details?}} (or the unbuilt dashboard's note).
    for (const e of errors) {
      if (typeof e.body === 'string') expect(e.body, e.where).toMatch(/^The dashboard is not built yet/)
      else {
        expect(Object.keys(e.body), e.where).toEqual(['error'])
        expect(e.body.error.code, e.where).toMatch(/^[a-z_]+$/)
        expect(e.body.error.message, e.where).toEqual(expect.any(String))
        expect(Object.keys(e.body.error).filter((k) => !['code', 'message', 'details'].includes(k)), e.where).toEqual([])
      }
    }
  })

  it('the CLI adds users and creates, lists and revokes tokens through the admin API', async () => {
    const password = 'a-long-cli-password-42'
    const add = await cli(server, ['user', 'add', '--email', 'cli@firm.example', '--name', 'Cli Person', '--role', 'finance', '--password-stdin'], `${password}\n`)
    expect(add.err).toBe('')
    expect(add.code).toBe(0)
    const userId = /^added (usr_[0-9a-f]{16}) cli@firm\.example \(finance\)$/m.exec(add.out)![1]
    expect(add.out).not.toContain(password)
    const s = await signIn(server.url, 'cli@firm.example', password)
    expect((await call(server.url, '/api/v1/auth/me', { headers: { cookie: s.cookie }, token: null })).body.user).toMatchObject({ id: userId, role: 'finance' })
    expect((await cli(server, ['user', 'list'])).out).toMatch(new RegExp(`${userId}\\s+cli@firm\\.example\\s+Cli Person\\s+finance\\s+false\\s+true`))

    const created = await cli(server, ['token', 'create', '--system', 'kantata', '--name', 'kantata collector'])
    expect(created.code).toBe(0)
    const [, tokenId, secret] = /^created (tok_[0-9a-f]{16}) \(collector for kantata\)\..*\n(cwc_\S+)$/m.exec(created.out.trim())!
    const ingest = () => call(server.url, '/api/v1/ingest/kantata/resource', { method: 'POST', body: '', headers: { 'content-type': 'application/x-ndjson' }, token: secret })
    expect((await ingest()).status).toBe(200)
    expect((await call(server.url, '/api/v1/ingest/netsuite/resource', { method: 'POST', body: '', headers: { 'content-type': 'application/x-ndjson' }, token: secret })).status).toBe(403)

    const list = await cli(server, ['token', 'list'])
    expect(list.code).toBe(0)
    expect(list.out).toMatch(new RegExp(`${tokenId}\\s+collector\\s+kantata\\s+-\\s+kantata collector\\s+active`))
    expect(list.out).not.toContain(secret)
    // A collector token cannot use the admin commands.
    const denied = await cli(server, ['token', 'list'], undefined, secret)
    expect(denied.code).toBe(1)
    expect(denied.err).toMatch(/collector token of 'kantata'/)

    const revoke = await cli(server, ['token', 'revoke', tokenId])
    expect(revoke.out.trim()).toBe(`revoked ${tokenId}`)
    expect((await ingest()).status).toBe(401)
    expect((await cli(server, ['token', 'list'])).out).toMatch(new RegExp(`${tokenId}\\s+collector\\s+kantata\\s+-\\s+kantata collector\\s+revoked`))

    const disable = await cli(server, ['user', 'disable', userId])
    expect(disable.out.trim()).toBe(`disabled ${userId} cli@firm.example`)
    expect((await call(server.url, '/api/v1/auth/me', { headers: { cookie: s.cookie }, token: null })).status).toBe(401)
    const bad = await cli(server, ['user', 'add', '--email', 'x@firm.example', '--role', 'boss'])
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/role/)
  })
})

describe('ingest rate limit', () => {
  const server = useServer({ config: parseConfig({ sources: DEMO_SOURCES, auth: { ingest_requests_per_minute: 3 } }) })

  it('allows ingest_requests_per_minute per token, then 429 with Retry-After', async () => {
    const a = await newToken(server.url, { kind: 'collector', system: 'kantata' })
    const b = await newToken(server.url, { kind: 'collector', system: 'kantata' })
    const send = (token: string) =>
      call(server.url, '/api/v1/ingest/kantata/resource', { method: 'POST', body: '', headers: { 'content-type': 'application/x-ndjson' }, token })
    for (let i = 0; i < 3; i++) expect((await send(a.token)).status).toBe(200)
    const limited = await send(a.token)
    expect(limited.status).toBe(429)
    expect(limited.body.error.code).toBe('rate_limited')
    const retry = Number(limited.headers.get('retry-after'))
    expect(retry).toBeGreaterThan(0)
    expect(retry).toBeLessThanOrEqual(60)
    // Per token: another collector is not held back, and reads are not rate limited.
    expect((await send(b.token)).status).toBe(200)
    for (let i = 0; i < 5; i++) expect((await call(server.url, '/api/v1/sources')).status).toBe(200)
  })
})
