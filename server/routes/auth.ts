// Dashboard sign-in: email and password, or a personal token, for an HttpOnly session cookie
// (Secure over https, SameSite=Lax) with idle and absolute expiry; sign-out; who am I.
import { deleteCookie, setCookie } from 'hono/cookie'
import { AppError } from '../lib/errors.ts'
import { routes } from '../http/openapi.ts'
import { audit } from '../auth/audit.ts'
import { clientAddress } from '../auth/address.ts'
import { csrfFor, csrfTokenOf, SESSION_COOKIE, unauthorized } from '../auth/middleware.ts'
import { burnPasswordCheck, verifyPassword } from '../auth/passwords.ts'
import { sha256Hex } from '../auth/tokens.ts'
import { tokenLive, type User } from '../auth/store.ts'
import { login, logout, me } from './auth.schema.ts'

const publicUser = (u: Pick<User, 'id' | 'name' | 'email' | 'role'>) => ({ id: u.id, name: u.name, email: u.email, role: u.role })

export const authRoutes = routes()
  .openapi(login, async (c) => {
    const { access, limits, config } = c.var.services
    const body = c.req.valid('json')
    const ip = clientAddress(c)
    const account = 'email' in body ? body.email.toLowerCase() : `token:${sha256Hex(body.token).slice(0, 12)}`
    const wait = Math.max(limits.login.retryAfter(`${ip}|${account}`), limits.loginByAddress.retryAfter(ip))
    if (wait) {
      await audit(c, 'sign_in', account, { reason: 'throttled' }, 'denied', account)
      throw new AppError(429, 'rate_limited', `Too many failed sign-ins; try again in ${wait} s.`, undefined, { 'Retry-After': String(wait) })
    }

    let user: User | null = null
    if ('email' in body) {
      const [u] = await access.users({ email: body.email })
      if (u && u.password_hash && !u.disabled && (await verifyPassword(body.password, u.password_hash))) user = u
      else if (!u || !u.password_hash) await burnPasswordCheck(body.password)
    } else {
      const t = await access.tokenByDigest(sha256Hex(body.token))
      const live = t && t.kind === 'personal' && tokenLive(t, c.var.services.clock.now())
      const u = live ? await access.user(t!.user_id) : null
      if (u && !u.disabled) user = u
    }
    if (!user) {
      limits.login.hit(`${ip}|${account}`)
      limits.loginByAddress.hit(ip)
      await audit(c, 'sign_in', account, { reason: 'bad credentials' }, 'denied', account)
      throw unauthorized('Wrong email or password, or an invalid token.')
    }
    limits.login.clear(`${ip}|${account}`)
    const secret = await access.createSession(user.id)
    setCookie(c, SESSION_COOKIE, secret, {
      httpOnly: true,
      secure: new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https',
      sameSite: 'Lax',
      path: '/',
      maxAge: Math.round(config.auth.session_max_hours * 3600),
    })
    await audit(c, 'sign_in', user.email, { method: 'email' in body ? 'password' : 'token' }, 'ok', user.email)
    return c.json({ user: publicUser(user), csrf_token: csrfFor(secret) }, 200)
  })
  .openapi(logout, async (c) => {
    const p = c.var.principal
    if (p?.kind === 'user' && p.via === 'session') {
      const s = await c.var.services.access.session(p.sessionId!)
      if (s) await c.var.services.access.revokeSession(p.sessionId!, s)
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
    await audit(c, 'sign_out', p?.kind === 'user' ? p.email : '')
    return c.json({ ok: true as const }, 200)
  })
  .openapi(me, (c) => {
    const p = c.var.principal
    if (!p || p.kind !== 'user') throw unauthorized()
    return c.json({ user: publicUser(p), via: p.via, csrf_token: csrfTokenOf(c, p) }, 200)
  })
