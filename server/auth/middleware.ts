// Authentication and authorization in one place: every route declares what it needs.
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../context.ts'
import { AppError } from '../lib/errors.ts'
import { bearer } from './tokens.ts'

const unauthorized = () =>
  new AppError(401, 'unauthorized', 'Missing or invalid credentials: send Authorization: Bearer <token>.', undefined, {
    'WWW-Authenticate': 'Bearer realm="crosswalk"',
  })

export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('principal', c.var.services.tokens.resolve(bearer(c.req.header('authorization'))))
  await next()
}

/** Ingest: a collector token of the system named in the path, or an admin token. */
export function requireCollectorFor(param: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const p = c.var.principal
    if (!p) throw unauthorized()
    const system = c.req.param(param)
    if (p.kind === 'collector' && p.system !== system)
      throw new AppError(403, 'forbidden', `This token belongs to source '${p.system}' and cannot ingest for '${system}'.`)
    await next()
  }
}

/** Reading and operating: admin only until roles land (CONTRACT §7). */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  const p = c.var.principal
  if (!p) throw unauthorized()
  if (p.kind !== 'admin') throw new AppError(403, 'forbidden', 'This route needs an admin token; collector tokens can only ingest.')
  await next()
}

/** Traces: any collector token or the admin token (spans name their own systems). */
export const requireIngestToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.var.principal) throw unauthorized()
  await next()
}
