// Authentication and authorization in one place. `authenticate` works out who is calling
// (bearer token, session cookie, or a trusted SSO proxy's header); `authorize` checks the
// route's declared access (policy.ts), CSRF for cookie sessions, and ingest rate limits.
import crypto from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { matchedRoutes } from 'hono/route'
import type { AppEnv } from '../context.ts'
import { AppError } from '../lib/errors.ts'
import { chToIso } from '../lib/time.ts'
import { clientAddress } from './address.ts'
import { decide, POLICY } from './policy.ts'
import type { Principal } from './principal.ts'
import { tokenLive } from './store.ts'
import { bearer, sha256Hex } from './tokens.ts'
import { isMetricsScraper } from '../observability/http.ts'

export const SESSION_COOKIE = 'cw_session'

export const unauthorized = (why = 'Missing or invalid credentials: sign in, or send Authorization: Bearer <token>.') =>
  new AppError(401, 'unauthorized', why, undefined, { 'WWW-Authenticate': 'Bearer realm="crosswalk"' })

/** The CSRF token of a session: derived from its secret, so nothing more is stored. */
export const csrfFor = (sessionSecret: string) => sha256Hex(`csrf:${sessionSecret}`).slice(0, 40)

/**
 * Behind an SSO proxy the browser's cookie is the proxy's, so a cross-site form could ride on
 * it: such requests need a CSRF token too, derived from the user and this server's secret.
 */
export const proxyCsrfFor = (c: Context<AppEnv>, email: string) => csrfFor(`proxy:${email}:${c.var.services.tokens.secretDigest}`)

/** The CSRF token the caller must send with state-changing requests, if any. */
export function csrfTokenOf(c: Context<AppEnv>, p: Principal | null): string | null {
  if (p?.kind !== 'user') return null
  if (p.via === 'session') return csrfFor(p.sessionId!)
  if (p.via === 'proxy') return proxyCsrfFor(c, p.email)
  return null
}

async function fromToken(c: Context<AppEnv>, token: string): Promise<Principal | null> {
  const { tokens, access } = c.var.services
  const configured = tokens.resolve(token)
  if (configured?.kind === 'admin') return { kind: 'user', id: 'admin', name: 'Administrator', email: 'admin', role: 'admin', via: 'admin-token' }
  if (configured?.kind === 'collector') return { kind: 'collector', id: `config:${configured.system}`, system: configured.system }
  const t = await access.tokenByDigest(sha256Hex(token))
  if (!t || !tokenLive(t, c.var.services.clock.now())) return null
  access.touchToken(t.id)
  if (t.kind === 'collector') return { kind: 'collector', id: t.id, system: t.system }
  const u = await access.user(t.user_id)
  if (!u || u.disabled) return null
  return { kind: 'user', id: u.id, name: u.name, email: u.email, role: u.role, via: 'token' }
}

async function fromSession(c: Context<AppEnv>, secret: string): Promise<Principal | null> {
  const { access, config } = c.var.services
  const s = await access.session(secret)
  if (!s || s.revoked) return null
  const now = c.var.services.clock.now().getTime()
  if (now - Date.parse(chToIso(s.last_seen_at)!) > config.auth.session_idle_minutes * 60_000) return null
  if (now - Date.parse(chToIso(s.created_at)!) > config.auth.session_max_hours * 3600_000) return null
  const u = await access.user(s.user_id)
  if (!u || u.disabled) return null
  await access.touchSession(secret, s)
  return { kind: 'user', id: u.id, name: u.name, email: u.email, role: u.role, via: 'session', sessionId: secret }
}

async function fromProxy(c: Context<AppEnv>): Promise<Principal | null> {
  const proxy = c.var.services.config.auth.proxy
  if (!proxy) return null
  const email = c.req.header(proxy.header)?.trim()
  // Only the configured proxies may vouch for a user; anyone else sending the header is ignored.
  if (!email || !proxy.trusted.includes(clientAddress(c))) return null
  const [u] = await c.var.services.access.users({ email })
  if (!u || u.disabled) return null
  return { kind: 'user', id: u.id, name: u.name, email: u.email, role: u.role, via: 'proxy' }
}

export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = bearer(c.req.header('authorization'))
  const cookie = getCookie(c, SESSION_COOKIE)
  let p: Principal | null = null
  if (token) p = await fromToken(c, token)
  else if (cookie) p = await fromSession(c, cookie)
  else p = await fromProxy(c)
  c.set('principal', p)
  await next()
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The route this request will be answered by, as declared (e.g. `GET /api/v1/exceptions/:id`). */
export function routeKey(c: Context<AppEnv>): string | null {
  const r = matchedRoutes(c).find((m) => m.method !== 'ALL')
  return r ? `${r.method} ${r.path}` : null
}

export const authorize: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = routeKey(c)
  if (!key) return next() // no route: the 404 handler answers
  const access = POLICY[key]
  if (!access) throw new AppError(403, 'forbidden', 'This route has no access declaration.')
  if (access === 'metrics' && isMetricsScraper(c)) return next()
  const p = c.var.principal
  const system = access === 'ingest' ? (/^\/api\/v1\/ingest\/([^/]+)\//.exec(c.req.path)?.[1] ?? null) : null
  const decision = decide(access, p, system === null ? null : decodeURIComponent(system))
  if (decision === 'unauthenticated') throw unauthorized()
  if (decision === 'forbidden') {
    const what =
      p?.kind !== 'collector'
        ? `Your role (${p?.role}) may not do this.`
        : system !== null
          ? `This token belongs to source '${p.system}' and cannot ingest for '${decodeURIComponent(system)}'.`
          : `This is a collector token of '${p.system}': it can only ingest, not read or change anything.`
    throw new AppError(403, 'forbidden', what)
  }
  const want = access === 'public' ? null : csrfTokenOf(c, p)
  if (want && !SAFE_METHODS.has(c.req.method)) {
    const sent = c.req.header('x-csrf-token') ?? ''
    if (sent.length !== want.length || !crypto.timingSafeEqual(Buffer.from(sent), Buffer.from(want)))
      throw new AppError(403, 'csrf', 'Missing or wrong X-CSRF-Token header: reload the page and try again.')
  }
  if (access === 'ingest' && p) {
    const wait = c.var.services.limits.ingest.take(p.id)
    if (wait) throw new AppError(429, 'rate_limited', `Too many ingest requests for this token; retry in ${wait} s.`, undefined, { 'Retry-After': String(wait) })
  }
  await next()
}
