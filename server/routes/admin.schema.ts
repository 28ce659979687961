// The admin routes' contract (CONTRACT §7): users, API tokens (the secret shown once), and the
// audit log.
import { createRoute } from '@hono/zod-openapi'
import { answers, cursor, dateTime, limit, listAnswer, z } from '../http/schemas.ts'
import { answersAnd, errorOf, jsonBody, readsJson, role } from './auth.schema.ts'

const email = z.email({ error: 'expected an email address' }).max(320)
const password = z.string().min(12, { message: 'must be at least 12 characters' }).max(1024)
const name = z.string().min(1).max(200)
const id = (example: string) => z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, example }) })

const NewUser = z.strictObject({
  name,
  email,
  role,
  password: password.optional().openapi({ description: 'None: the user signs in with a personal token or through the SSO proxy.' }),
})
const UserChange = z.strictObject({ name: name.optional(), role: role.optional(), password: password.optional(), disabled: z.boolean().optional() })
const NewTokenBody = z.strictObject({
  kind: z.enum(['collector', 'personal'], { error: 'expected collector or personal' }),
  system: z.string().optional().openapi({ description: 'Collector tokens: the configured source it ingests for.' }),
  user_id: z.string().optional().openapi({ description: 'Personal tokens: the user it acts as.' }),
  name: name.optional(),
  expires_at: dateTime.optional(),
})

export const User = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    role,
    disabled: z.boolean(),
    has_password: z.boolean(),
    created_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('User')

const at = z.string().openapi({ format: 'date-time' })

export const Token = z
  .strictObject({
    id: z.string(),
    kind: z.enum(['collector', 'personal']),
    system: z.string().nullable().openapi({ description: 'Collector tokens only.' }),
    user_id: z.string().nullable().openapi({ description: 'Personal tokens only.' }),
    name: z.string(),
    created_at: at,
    expires_at: at.nullable(),
    revoked_at: at.nullable(),
    last_used_at: at.nullable().openapi({ description: 'Recorded at most once a minute.' }),
    status: z.enum(['active', 'revoked', 'expired']),
  })
  .openapi('Token')

export const NewToken = Token.extend({ token: z.string().openapi({ description: 'The secret: shown here once, only its digest is kept.' }) }).openapi('NewToken')

export const AuditEntry = z
  .strictObject({
    id: z.string(),
    at,
    actor: z.string().openapi({ description: 'An email, `admin`, `collector:<system>`, or the account a failed sign-in tried.' }),
    action: z.string().openapi({ example: 'sign_in' }),
    target: z.string(),
    outcome: z.enum(['ok', 'denied', 'failed']).openapi({ description: 'ok: allowed (a change is recorded just before it is made); denied; failed: it failed after being recorded.' }),
    ip: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi('AuditEntry')

/** A 201 with `schema`, and answers()' errors. */
function created<T extends z.ZodType>(schema: T, description: string) {
  const a = answers(schema, description)
  return { 201: a[200], 400: a[400], 401: a[401], 403: a[403], 404: a[404], 415: errorOf('The body is not sent as application/json.') }
}

export const listUsers = createRoute({ method: 'get', path: '/', summary: 'Every user', responses: answers(listAnswer(User), 'Every user, by email') })

export const createUser = createRoute({
  method: 'post',
  path: '/',
  summary: 'Add a user',
  middleware: readsJson(),
  request: { body: jsonBody(NewUser, 'The new user') },
  responses: created(User, 'The new user'),
})

export const changeUser = createRoute({
  method: 'patch',
  path: '/{id}',
  summary: 'Change a user\'s name, role or password, or disable them',
  middleware: readsJson(),
  request: { params: id('usr_0123456789abcdef'), body: jsonBody(UserChange, 'Only what changes') },
  responses: answersAnd(User, 'The user as changed', { 415: errorOf('The body is not sent as application/json.') }),
})

export const listTokens = createRoute({ method: 'get', path: '/', summary: 'Every API token (never the secrets)', responses: answers(listAnswer(Token), 'Every token, newest first') })

export const createToken = createRoute({
  method: 'post',
  path: '/',
  summary: 'Create a collector or personal token',
  middleware: readsJson(),
  request: { body: jsonBody(NewTokenBody, 'The token to create') },
  responses: created(NewToken, 'The new token, with its secret (shown this once)'),
})

export const revokeToken = createRoute({
  method: 'delete',
  path: '/{id}',
  summary: 'Revoke a token',
  request: { params: id('tok_0123456789abcdef') },
  responses: answers(Token, 'The token, revoked'),
})

export const auditLog = createRoute({
  method: 'get',
  path: '/',
  summary: 'The audit log, newest first',
  request: {
    query: z.strictObject({
      actor: z.string().optional().openapi({ description: 'Only this actor\'s entries.' }),
      action: z.string().optional().openapi({ description: 'Only this action, e.g. sign_in or config_change.' }),
      limit: limit(100, 1000),
      cursor,
    }),
  },
  responses: answers(listAnswer(AuditEntry), 'A page of the audit log'),
})
