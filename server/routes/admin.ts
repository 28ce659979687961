// Admin: users, API tokens (shown once at creation, stored as a digest), and the audit log.
import crypto from 'node:crypto'
import { badRequest, notFound } from '../lib/errors.ts'
import { routes } from '../http/openapi.ts'
import { decodeCursor, encodeCursor } from '../http/cursor.ts'
import { cursorShapes } from '../http/schemas.ts'
import { parseDatetime, toChDateTime, chToIso } from '../lib/time.ts'
import { queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { audited, type AuditOutcome } from '../auth/audit.ts'
import { hashPassword } from '../auth/passwords.ts'
import { newToken } from '../auth/tokens.ts'
import { newTokenId, tokenLive, type ApiToken, type User } from '../auth/store.ts'
import { auditLog, changeUser, createToken, createUser, listTokens, listUsers, revokeToken } from './admin.schema.ts'

const showUser = (u: User) => ({ id: u.id, name: u.name, email: u.email, role: u.role, disabled: u.disabled, has_password: Boolean(u.password_hash), created_at: u.created_at })
const showToken = (t: ApiToken, now: Date) => ({
  id: t.id, kind: t.kind, system: t.system || null, user_id: t.user_id || null, name: t.name, created_at: t.created_at,
  expires_at: t.expires_at, revoked_at: t.revoked_at, last_used_at: t.last_used_at,
  status: t.revoked_at ? ('revoked' as const) : !tokenLive(t, now) ? ('expired' as const) : ('active' as const),
})

export const userRoutes = routes()
  .openapi(listUsers, async (c) => c.json({ items: (await c.var.services.access.users()).map(showUser), next_cursor: null }, 200))
  .openapi(createUser, async (c) => {
    const b = c.req.valid('json')
    const access = c.var.services.access
    if ((await access.users({ email: b.email })).length) throw badRequest('duplicate', `A user with email ${b.email} already exists.`, { field: 'email' })
    const id = `usr_${crypto.randomBytes(8).toString('hex')}`
    const password_hash = b.password ? await hashPassword(b.password) : ''
    await audited(c, 'user_create', b.email, { role: b.role }, () =>
      access.saveUser({ id, email: b.email.toLowerCase(), name: b.name, role: b.role, password_hash, disabled: false }),
    )
    return c.json(showUser((await access.users({ id }))[0]), 201)
  })
  .openapi(changeUser, async (c) => {
    const b = c.req.valid('json')
    const { id } = c.req.valid('param')
    const access = c.var.services.access
    const [u] = await access.users({ id })
    if (!u) throw notFound(`No user with id ${id}.`)
    const password_hash = b.password ? await hashPassword(b.password) : u.password_hash
    await audited(c, 'user_update', u.email, { role: b.role, disabled: b.disabled, password_changed: Boolean(b.password) }, () =>
      access.saveUser({ ...u, name: b.name ?? u.name, role: b.role ?? u.role, disabled: b.disabled ?? u.disabled, password_hash }),
    )
    return c.json(showUser((await access.users({ id: u.id }))[0]), 200)
  })

export const tokenRoutes = routes()
  .openapi(listTokens, async (c) => c.json({ items: (await c.var.services.access.tokens()).map((t) => showToken(t, c.var.services.clock.now())), next_cursor: null }, 200))
  .openapi(createToken, async (c) => {
    const b = c.req.valid('json')
    const { access, config } = c.var.services
    if (b.kind === 'collector' && !config.sources.some((s) => s.system === b.system))
      throw badRequest('bad_parameter', `system: a collector token needs a configured source (${config.sources.map((s) => s.system).join(', ')}).`, { field: 'system' })
    if (b.kind === 'personal' && !(b.user_id && (await access.user(b.user_id))))
      throw badRequest('bad_parameter', 'user_id: a personal token needs an existing user.', { field: 'user_id' })
    const secret = newToken(b.kind === 'collector' ? 'cwc' : 'cwp')
    const id = newTokenId()
    const t = await audited(c, 'token_create', id, { kind: b.kind, system: b.system || undefined, user_id: b.user_id || undefined }, () =>
      access.createToken(
        { id, kind: b.kind, system: b.system, user_id: b.user_id, name: b.name ?? `${b.kind} token`, expires_at: b.expires_at ? parseDatetime(b.expires_at) : null },
        secret,
      ),
    )
    // The secret is shown once, here; only its digest is stored.
    return c.json({ ...showToken(t, c.var.services.clock.now()), token: secret }, 201)
  })
  .openapi(revokeToken, async (c) => {
    const { id } = c.req.valid('param')
    const access = c.var.services.access
    const [t] = await access.tokens({ id })
    if (!t) throw notFound(`No token with id ${id}.`)
    await audited(c, 'token_revoke', t.id, { kind: t.kind }, async () => {
      if (!t.revoked_at) await access.revokeToken(t)
    })
    return c.json(showToken((await access.tokens({ id: t.id }))[0], c.var.services.clock.now()), 200)
  })

interface AuditRow {
  id: string
  at: string
  actor: string
  action: string
  target: string
  outcome: AuditOutcome
  ip: string
  details: string
}

export const auditRoutes = routes().openapi(auditLog, async (c) => {
  const q = c.req.valid('query')
  const cursor = decodeCursor(q.cursor, cursorShapes.audit)
  const rows = await queryRows<AuditRow>(c.var.services.db, 'audit.list', sqlFile('access/audit.sql'), {
    actor: q.actor ?? '',
    action: q.action ?? '',
    has_cursor: Boolean(cursor),
    cursor_at: cursor?.[0] ?? toChDateTime(new Date(0)),
    cursor_id: cursor?.[1] ?? '',
    limit: q.limit + 1,
  })
  const page = rows.slice(0, q.limit)
  const last = page.at(-1)
  return c.json(
    {
      items: page.map((r) => ({ ...r, at: chToIso(r.at)!, details: JSON.parse(r.details || '{}') as Record<string, unknown> })),
      next_cursor: rows.length > q.limit && last ? encodeCursor([last.at, last.id]) : null,
    },
    200,
  )
})
