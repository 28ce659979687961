// Sign-in and credentials (issue 5): CSRF on cookie sessions, the cookie's flags, idle and
// absolute session expiry, sign-out, brute-force throttling with its audit trail, single sign-on
// through a trusted proxy only, secrets kept only as digests, revoked/expired tokens and
// disabled users. Time is a ManualClock: expiry is reached by advancing it, never by sleeping.
import { beforeAll, describe, expect, it } from 'vitest'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'
import { sha256Hex } from '../server/auth/tokens.ts'
import { ManualClock } from '../server/lib/clock.ts'
import { api } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'
import { createUser, json, newToken, signIn, type Session } from './helpers/access.ts'

const config = (auth: object) => parseConfig({ sources: DEMO_SOURCES, auth })
const me = (base: string, headers: Record<string, string>) => api(base, '/api/v1/auth/me', { headers, token: null })
const login = (base: string, body: object, headers: Record<string, string> = {}) => api(base, '/api/v1/auth/login', { ...json(body, 'POST', headers), token: null })
const MINUTE = 60_000
// Starts at the real time: the sessions table drops rows 30 days after last_seen_at (a TTL the
// engine applies by its own clock), so a session dated far from today would vanish on insert.
const clockAtNow = () => new ManualClock(new Date())

describe('sessions, tokens and sign-in', () => {
  const clock = clockAtNow()
  const server = useServer({ clock, config: config({ proxy: { header: 'X-Forwarded-Email', trusted: ['127.0.0.1'] } }) })
  let base: string
  const secrets: string[] = []
  let ops: Awaited<ReturnType<typeof createUser>>
  let session: Session
  beforeAll(async () => {
    base = server.url
    ops = await createUser(base, 'ops')
    session = await signIn(base, ops.email, ops.password)
    secrets.push(ops.password, session.secret)
  })

  it('a cookie session needs the right X-CSRF-Token on unsafe methods; bearer requests need none', async () => {
    const detect = (headers: Record<string, string>, token: string | null = null) =>
      api(base, '/api/v1/detect?as_of=2026-06-30T12:00:00Z', { method: 'POST', headers, token })
    const missingOrWrong: Record<string, string>[] = [{}, { 'x-csrf-token': 'wrong' }, { 'x-csrf-token': `${session.csrf}x` }, { 'x-csrf-token': '' }]
    for (const extra of missingOrWrong) {
      const headers = { cookie: session.cookie, ...extra }
      const r = await detect(headers)
      expect(r.status).toBe(403)
      expect(r.body.error.code).toBe('csrf')
    }
    expect((await detect({ cookie: session.cookie, 'x-csrf-token': session.csrf })).status).toBe(200)
    // Another session's token is no good either.
    const other = await signIn(base, ops.email, ops.password)
    secrets.push(other.secret)
    expect(other.csrf).not.toBe(session.csrf)
    expect((await detect({ cookie: session.cookie, 'x-csrf-token': other.csrf })).status).toBe(403)
    // Safe methods need no CSRF token; /me hands it back to a reloaded page.
    const m = await me(base, { cookie: session.cookie })
    expect(m.status).toBe(200)
    expect(m.body).toMatchObject({ user: { email: ops.email, role: 'ops' }, via: 'session', csrf_token: session.csrf })
    const t = await newToken(base, { kind: 'personal', user_id: ops.id })
    secrets.push(t.token)
    expect((await detect({}, t.token)).status).toBe(200)
  })

  it('the session cookie is HttpOnly, SameSite=Lax, Path=/, and Secure only over https', async () => {
    const flags = session.setCookie.split(';').map((s) => s.trim().toLowerCase())
    expect(flags).toContain('httponly')
    expect(flags).toContain('samesite=lax')
    expect(flags).toContain('path=/')
    expect(flags).toContain(`max-age=${168 * 3600}`)
    expect(flags).not.toContain('secure')
    // Behind a TLS-terminating proxy (X-Forwarded-Proto: https) the cookie is Secure.
    const tls = await signIn(base, ops.email, ops.password, { 'x-forwarded-proto': 'https' })
    secrets.push(tls.secret)
    expect(tls.setCookie.split(';').map((s) => s.trim().toLowerCase())).toContain('secure')
  })

  it('sign-out revokes the session on the server, not just the cookie', async () => {
    const s = await signIn(base, ops.email, ops.password)
    secrets.push(s.secret)
    expect((await me(base, { cookie: s.cookie })).status).toBe(200)
    // Sign-out is state-changing: without the CSRF token a cross-site page cannot sign you out.
    expect((await api(base, '/api/v1/auth/logout', { method: 'POST', headers: { cookie: s.cookie }, token: null })).status).toBe(403)
    const out = await api(base, '/api/v1/auth/logout', { method: 'POST', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, token: null })
    expect(out.status).toBe(200)
    expect(out.headers.get('set-cookie')).toMatch(/cw_session=;.*Max-Age=0/i)
    // Replaying the old cookie does not work.
    expect((await me(base, { cookie: s.cookie })).status).toBe(401)
    expect((await me(base, { cookie: session.cookie })).status).toBe(200)
  })

  it('throttles sign-in after login_max_failures wrong passwords, even for the right one, and audits it', async () => {
    const finance = await createUser(base, 'finance')
    secrets.push(finance.password)
    for (let i = 0; i < 5; i++) {
      const wrong = `wrong-password-${i}-of-finance`
      secrets.push(wrong)
      const r = await login(base, { email: finance.email, password: wrong })
      expect(r.status).toBe(401)
      expect(r.body.error.code).toBe('unauthorized')
    }
    const blocked = await login(base, { email: finance.email, password: finance.password })
    expect(blocked.status).toBe(429)
    expect(blocked.body.error.code).toBe('rate_limited')
    const retry = Number(blocked.headers.get('retry-after'))
    expect(retry).toBeGreaterThan(0)
    expect(retry).toBeLessThanOrEqual(15 * 60)
    expect(blocked.headers.get('set-cookie')).toBeNull()
    // Another account from the same address is not locked out.
    expect((await login(base, { email: ops.email, password: ops.password })).status).toBe(200)

    const audit = await api(base, '/api/v1/audit?action=sign_in&limit=1000')
    expect(audit.status).toBe(200)
    const denied = audit.body.items.filter((e: { actor: string; outcome: string }) => e.actor === finance.email && e.outcome === 'denied')
    expect(denied.map((e: { details: { reason: string } }) => e.details.reason).sort()).toEqual([...Array(5).fill('bad credentials'), 'throttled'])
    for (const e of denied) expect(e).toMatchObject({ action: 'sign_in', target: finance.email, ip: '127.0.0.1' })
    expect(audit.body.items.some((e: { actor: string; outcome: string }) => e.actor === ops.email && e.outcome === 'ok')).toBe(true)
    // The lock lifts when login_window_minutes have passed since the failures, not before.
    clock.advance(15 * MINUTE - 1)
    expect((await login(base, { email: finance.email, password: finance.password })).status).toBe(429)
    clock.advance(1)
    expect((await login(base, { email: finance.email, password: finance.password })).status).toBe(200)
  })

  it('signs in from a trusted proxy header as that user', async () => {
    const r = await me(base, { 'x-forwarded-email': ops.email })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ user: { email: ops.email, role: 'ops' }, via: 'proxy' })
    expect((await api(base, '/api/v1/exceptions', { headers: { 'x-forwarded-email': ops.email }, token: null })).status).toBe(200)
    expect((await api(base, '/api/v1/users', { headers: { 'x-forwarded-email': ops.email }, token: null })).status).toBe(403)
    expect((await me(base, { 'x-forwarded-email': 'nobody@firm.example' })).status).toBe(401)
  })

  it('asks proxy-signed-in users for a CSRF token on changes too (their SSO cookie rides along)', async () => {
    const headers = { 'x-forwarded-email': ops.email, 'content-type': 'application/json' }
    const post = (extra: Record<string, string> = {}) =>
      api(base, '/api/v1/exceptions/actions', { method: 'POST', token: null, headers: { ...headers, ...extra }, body: JSON.stringify({ ids: ['x'], action: 'acknowledge' }) })
    const without = await post()
    expect(without.status).toBe(403)
    expect(without.body.error.code).toBe('csrf')
    const token = (await me(base, { 'x-forwarded-email': ops.email })).body.csrf_token
    expect(token).toMatch(/^[0-9a-f]{40}$/)
    expect((await post({ 'x-csrf-token': token })).status).toBe(200)
  })

  it('tokens are shown once; revoked and expired tokens, and disabled users, are refused', async () => {
    const exec = await createUser(base, 'executive')
    secrets.push(exec.password)
    const t = await newToken(base, { kind: 'personal', user_id: exec.id })
    const collector = await newToken(base, { kind: 'collector', system: 'kantata' })
    secrets.push(t.token, collector.token)
    expect(t.token).toMatch(/^cwp_[A-Za-z0-9_-]{32,}$/)
    const list = await api(base, '/api/v1/tokens')
    expect(list.body.items.length).toBeGreaterThanOrEqual(3)
    for (const item of list.body.items) {
      expect(item).not.toHaveProperty('token')
      expect(item).not.toHaveProperty('token_sha256')
    }
    expect(JSON.stringify(list.body)).not.toContain(t.token)
    expect((await me(base, { authorization: `Bearer ${t.token}` })).status).toBe(200)

    // Revoked: refused as a bearer token and for sign-in.
    const rev = await newToken(base, { kind: 'personal', user_id: exec.id })
    secrets.push(rev.token)
    expect((await me(base, { authorization: `Bearer ${rev.token}` })).status).toBe(200)
    expect((await api(base, `/api/v1/tokens/${rev.id}`, { method: 'DELETE' })).body.status).toBe('revoked')
    expect((await me(base, { authorization: `Bearer ${rev.token}` })).status).toBe(401)
    expect((await login(base, { token: rev.token })).status).toBe(401)

    // Expired: one already past, and one that runs out when the clock reaches its expiry.
    const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString()
    const past = await newToken(base, { kind: 'personal', user_id: exec.id, expires_at: at(-MINUTE) })
    const soon = await newToken(base, { kind: 'collector', system: 'kantata', expires_at: at(60 * MINUTE) })
    secrets.push(past.token, soon.token)
    expect((await me(base, { authorization: `Bearer ${past.token}` })).status).toBe(401)
    const send = () => api(base, '/api/v1/ingest/kantata/resource', { method: 'POST', body: '', headers: { 'content-type': 'application/x-ndjson' }, token: soon.token })
    expect((await send()).status).toBe(200)
    clock.advance(60 * MINUTE - 1)
    expect((await send()).status).toBe(200)
    clock.advance(1)
    expect((await send()).status).toBe(401)
    const listed = (await api(base, '/api/v1/tokens')).body.items
    expect(listed.find((i: { id: string }) => i.id === soon.id).status).toBe('expired')
    expect(listed.find((i: { id: string }) => i.id === collector.id).status).toBe('active')

    // Disabled: token, session, password sign-in and the proxy header all stop working at once.
    const s = await signIn(base, exec.email, exec.password)
    secrets.push(s.secret)
    expect((await api(base, `/api/v1/users/${exec.id}`, json({ disabled: true }, 'PATCH'))).body.disabled).toBe(true)
    expect((await me(base, { authorization: `Bearer ${t.token}` })).status).toBe(401)
    expect((await me(base, { cookie: s.cookie })).status).toBe(401)
    expect((await me(base, { 'x-forwarded-email': exec.email })).status).toBe(401)
    expect((await login(base, { email: exec.email, password: exec.password })).status).toBe(401)
  })

  it('stores no secret: tokens, passwords and session ids are not recoverable from the database', async () => {
    const dump = async (table: string) => (await server.db.client.query({ query: `SELECT * FROM ${table}`, format: 'JSONEachRow' })).json<Record<string, unknown>>()
    const tables = ['users', 'api_tokens', 'sessions', 'audit_log', 'token_usage']
    const rows = Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await dump(t)] as const)))
    const text = JSON.stringify(rows)
    expect(secrets.length).toBeGreaterThan(15)
    for (const s of secrets) expect(text.includes(s), `a secret is stored in the database`).toBe(false)
    // Not even URL-encoded or base64'd.
    for (const s of secrets) {
      expect(text).not.toContain(encodeURIComponent(s))
      expect(text).not.toContain(Buffer.from(s).toString('base64'))
    }
    for (const u of rows.users) expect(String(u.password_hash)).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
    // What is stored is a digest: the session cookie's and tokens' SHA-256.
    expect(rows.sessions.some((r) => r.id_sha256 === sha256Hex(session.secret))).toBe(true)
    expect(rows.api_tokens.length).toBeGreaterThan(0)
    for (const t of rows.api_tokens) expect(String(t.token_sha256)).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('session expiry and untrusted proxies', () => {
  const clock = clockAtNow()
  const server = useServer({ clock, config: config({ session_idle_minutes: 30, session_max_hours: 2, proxy: { header: 'X-Forwarded-Email', trusted: ['10.9.9.9'] } }) })

  it('an idle session expires after session_idle_minutes; the proxy header from an unlisted address is ignored', async () => {
    const u = await createUser(server.url, 'admin')
    const s = await signIn(server.url, u.email, u.password)
    expect((await me(server.url, { cookie: s.cookie })).status).toBe(200)
    clock.advance(30 * MINUTE + 1)
    const r = await me(server.url, { cookie: s.cookie })
    expect(r.status).toBe(401)
    expect(r.body.error.code).toBe('unauthorized')
    // The same header that signs in from 127.0.0.1 above is ignored when 127.0.0.1 is not trusted.
    expect((await me(server.url, { 'x-forwarded-email': u.email })).status).toBe(401)
    expect((await api(server.url, '/api/v1/users', { headers: { 'x-forwarded-email': u.email }, token: null })).status).toBe(401)
  })

  it('a session in use still ends after session_max_hours', async () => {
    const u = await createUser(server.url, 'finance')
    const s = await signIn(server.url, u.email, u.password)
    expect(s.setCookie).toMatch(/Max-Age=7200\b/i)
    // Used every 29 minutes, so it never idles out: at 0, 29, 58, 87 and 116 minutes, then at
    // exactly 2 hours it still works, and 1 ms later it does not.
    for (let i = 0; i < 5; i++) {
      if (i) clock.advance(29 * MINUTE)
      expect((await me(server.url, { cookie: s.cookie })).status).toBe(200)
    }
    clock.advance(4 * MINUTE)
    expect((await me(server.url, { cookie: s.cookie })).status).toBe(200)
    clock.advance(1)
    expect((await me(server.url, { cookie: s.cookie })).status).toBe(401)
    // Signing in again gives a fresh session.
    const again = await signIn(server.url, u.email, u.password)
    expect((await me(server.url, { cookie: again.cookie })).status).toBe(200)
  })
})
