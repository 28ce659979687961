// The sign-in routes' contract (CONTRACT §7): sign in for a session cookie, sign out, who am I.
// Also how every JSON body of these areas is read (jsonBody, readsJson, errorOf).
import { createRoute } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../context.ts'
import { AppError, badRequest } from '../lib/errors.ts'
import { answers, errorAnswer, z } from '../http/schemas.ts'
import { ROLES } from '../auth/principal.ts'

/** Any error answer of a route beyond answers()' own (409, 413, 415, 429, 503). */
export const errorOf = (description: string) => ({ content: { 'application/json': { schema: errorAnswer } }, description })

/** answers() and more statuses. Not a spread: that turns the numeric keys into strings, and the
 *  handler's answer would then be typed as one of the extra statuses only. */
export const answersAnd = <T extends z.ZodType, E extends Record<number, ReturnType<typeof errorOf>>>(schema: T, description: string, extra: E) =>
  Object.assign(answers(schema, description), extra)

/** The validator's own test of a JSON Content-Type, so this gate and it always agree. */
const JSON_TYPE = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i

/**
 * Reads a JSON body before the route's validator does: the validator's own refusals (another
 * Content-Type, a body that does not parse) are not AppErrors and would answer a bare 500.
 */
export const readsJson =
  (unreadable = 'The request body must be a JSON object.'): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const type = c.req.header('content-type') ?? ''
    if (!JSON_TYPE.test(type))
      throw new AppError(415, 'unsupported_media_type', `Content-Type '${type.split(';')[0].trim() || '(missing)'}' is not accepted: send application/json.`)
    try {
      await c.req.json() // kept by the request: the validator reads the same value
    } catch {
      throw badRequest('bad_json', unreadable)
    }
    await next()
  }

/** A required JSON body, validated by `schema` (pair with readsJson() as the route's middleware). */
export const jsonBody = <T extends z.ZodType>(schema: T, description: string) =>
  ({ description, required: true, content: { 'application/json': { schema } } }) as const

export const role = z.enum(ROLES, { error: `expected one of ${ROLES.join(', ')}` })

/** A person as the dashboard shows who is signed in. */
export const SignedInUser = z
  .strictObject({ id: z.string(), name: z.string(), email: z.string(), role })
  .openapi('SignedInUser')

const LoginBody = z
  .union(
    [
      z.strictObject({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) }),
      z.strictObject({ token: z.string().min(1).max(1024).openapi({ description: 'A personal token.' }) }),
    ],
    { error: 'expected {"email", "password"} or {"token"}' },
  )
  .openapi('LoginBody')

export const Login = z
  .strictObject({
    user: SignedInUser,
    csrf_token: z.string().openapi({ description: 'Send as X-CSRF-Token with every request that changes something.' }),
  })
  .openapi('Login')

export const Me = z
  .strictObject({
    user: SignedInUser,
    via: z.enum(['admin-token', 'token', 'session', 'proxy']),
    csrf_token: z.string().nullable().openapi({ description: 'For sessions and SSO-proxy sign-ins; null for bearer tokens, which need none.' }),
  })
  .openapi('Me')

export const login = createRoute({
  method: 'post',
  path: '/login',
  summary: 'Sign in with email and password, or a personal token, for a session cookie',
  middleware: readsJson('Send {"email", "password"} or {"token"} as JSON.'),
  request: { body: jsonBody(LoginBody, 'Email and password, or a personal token') },
  responses: answersAnd(Login, 'Signed in: the session cookie is set (HttpOnly, SameSite=Lax)', {
    415: errorOf('The body is not sent as application/json.'),
    429: errorOf('Too many failed sign-ins for this account or address; Retry-After says when to try again.'),
  }),
  security: [],
})

export const logout = createRoute({
  method: 'post',
  path: '/logout',
  summary: 'Sign out: the session ends on the server and its cookie is cleared',
  responses: answers(z.strictObject({ ok: z.literal(true) }), 'Signed out'),
})

export const me = createRoute({
  method: 'get',
  path: '/me',
  summary: 'Who is signed in, and the CSRF token of their session',
  responses: answers(Me, 'The signed-in person'),
})
