// The Hono app: security headers, who is calling, what they may do (auth/policy.ts), then one
// sub-app per area under /api/v1; errors in one shape.
import { OpenAPIHono } from '@hono/zod-openapi'
import { bodyLimit } from 'hono/body-limit'
import { secureHeaders } from 'hono/secure-headers'
import type { Context } from 'hono'
import type { AppEnv, Services } from './context.ts'
import { AppError, badRequest, storageError } from './lib/errors.ts'
import { authenticate, authorize } from './auth/middleware.ts'
import { healthRoutes } from './routes/health.ts'
import { ingestRoutes } from './routes/ingest.ts'
import { deadLetterRoutes } from './routes/dead-letters.ts'
import { sourceRoutes } from './routes/sources.ts'
import { exceptionRoutes } from './routes/exceptions.ts'
import { detectRoutes } from './routes/detect.ts'
import { kpiRoutes } from './routes/kpis.ts'
import { notificationRoutes } from './routes/notifications.ts'
import { subscriptionRoutes } from './routes/subscriptions.ts'
import { traceRoutes } from './routes/traces.ts'
import { transactionRoutes } from './routes/transactions.ts'
import { authRoutes } from './routes/auth.ts'
import { auditRoutes, tokenRoutes, userRoutes } from './routes/admin.ts'
import { reconciliationRoutes } from './routes/reconciliation.ts'
import { exportRoutes } from './routes/exports.ts'
import { closeRoutes } from './routes/close.ts'
import { settingsRoutes } from './routes/settings.ts'
import { opsRoutes } from './routes/ops.ts'
import { publishContract } from './routes/openapi.ts'
import { metricsRoutes } from './routes/metrics.ts'
import { observeRequests, routeOf } from './observability/http.ts'

/** JSON request bodies outside ingest (which streams and has its own limit). */
const JSON_BODY_LIMIT = 1024 * 1024

/** The dashboard is served from this origin only; nothing may frame it. */
const SECURITY_HEADERS = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  referrerPolicy: 'strict-origin-when-cross-origin',
  xFrameOptions: 'DENY',
  xContentTypeOptions: 'nosniff',
})

const JSON_BODY_LIMITER = bodyLimit({
  maxSize: JSON_BODY_LIMIT,
  // The rest of the body is never read: close the connection, or the client's next request
  // on it fails when the server drops the half-read socket.
  onError: () => {
    throw new AppError(413, 'payload_too_large', `The request body is larger than ${JSON_BODY_LIMIT} bytes.`, undefined, { Connection: 'close' })
  },
})

export function buildApp(services: Services) {
  const app = new OpenAPIHono<AppEnv>()
  app.use(async (c, next) => {
    c.set('services', services)
    await next()
    // Any request that may have changed something makes every cached read answer old, before
    // its own answer goes out (read/cache.ts).
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') services.cache.bump()
  })
  app.use(observeRequests)
  app.use(SECURITY_HEADERS)
  app.use(authenticate)
  app.use(authorize)
  app.use('/api/v1/*', (c, next) => (c.req.path.startsWith('/api/v1/ingest/') ? next() : JSON_BODY_LIMITER(c, next)))

  const api = app
    .route('/api/v1/health', healthRoutes)
    .route('/api/v1/auth', authRoutes)
    .route('/api/v1/ingest', ingestRoutes)
    .route('/api/v1/dead-letters', deadLetterRoutes)
    .route('/api/v1/sources', sourceRoutes)
    .route('/api/v1/exceptions', exceptionRoutes)
    .route('/api/v1/detect', detectRoutes)
    .route('/api/v1/kpis', kpiRoutes)
    .route('/api/v1/notifications', notificationRoutes)
    .route('/api/v1/subscriptions', subscriptionRoutes)
    .route('/api/v1/transactions', transactionRoutes)
    .route('/api/v1/users', userRoutes)
    .route('/api/v1/tokens', tokenRoutes)
    .route('/api/v1/audit', auditRoutes)
    .route('/api/v1/reconciliation', reconciliationRoutes)
    .route('/api/v1/exports', exportRoutes)
    .route('/api/v1/close', closeRoutes)
    .route('/api/v1/settings', settingsRoutes)
    .route('/api/v1/admin', opsRoutes)
    .route('/v1/traces', traceRoutes)
    .route('/metrics', metricsRoutes)
  publishContract(app)

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}.` } }, 404))
  app.onError(errorAnswer)
  return api
}

/** Every error in one shape: an AppError as it says, storage down as 503, the rest as 500. */
function errorAnswer(err: Error, c: Context<AppEnv>) {
  // A path or query that is not valid percent-encoding (GET /%ff) is the client's mistake.
  if (err instanceof URIError) err = badRequest('bad_uri', 'The URL is not valid: a % must be followed by two hex digits of UTF-8.')
  if (err instanceof AppError) {
    for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v)
    const body: Record<string, unknown> = { code: err.code, message: err.message }
    if (err.details !== undefined) body.details = err.details
    return c.json({ error: body }, err.status as 400)
  }
  // The log keeps the cause; the client gets no stack and no SQL.
  c.var.services.log.error({ err, method: c.req.method, route: routeOf(c) }, 'request failed')
  const storage = storageError(err)
  if (storage) {
    for (const [k, v] of Object.entries(storage.headers ?? {})) c.header(k, v)
    return c.json({ error: { code: storage.code, message: storage.message } }, 503)
  }
  return c.json({ error: { code: 'internal', message: 'Something went wrong on the server; the error was logged.' } }, 500)
}

export type AppType = ReturnType<typeof buildApp>
