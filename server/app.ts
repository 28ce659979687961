// The Hono app: one sub-app per area, mounted under /api/v1; errors in one shape.
import { Hono } from 'hono'
import type { AppEnv, Services } from './context.ts'
import { AppError } from './lib/errors.ts'
import { authenticate } from './auth/middleware.ts'
import { healthRoutes } from './routes/health.ts'
import { ingestRoutes } from './routes/ingest.ts'
import { deadLetterRoutes } from './routes/dead-letters.ts'
import { sourceRoutes } from './routes/sources.ts'
import { exceptionRoutes } from './routes/exceptions.ts'
import { detectRoutes } from './routes/detect.ts'
import { kpiRoutes } from './routes/kpis.ts'
import { notificationRoutes } from './routes/notifications.ts'
import { traceRoutes } from './routes/traces.ts'
import { transactionRoutes } from './routes/transactions.ts'

export function buildApp(services: Services) {
  const app = new Hono<AppEnv>()
  app.use(async (c, next) => {
    c.set('services', services)
    await next()
  })
  app.use('/api/*', authenticate)
  app.use('/v1/*', authenticate)

  const api = app
    .route('/api/v1/health', healthRoutes)
    .route('/api/v1/ingest', ingestRoutes)
    .route('/api/v1/dead-letters', deadLetterRoutes)
    .route('/api/v1/sources', sourceRoutes)
    .route('/api/v1/exceptions', exceptionRoutes)
    .route('/api/v1/detect', detectRoutes)
    .route('/api/v1/kpis', kpiRoutes)
    .route('/api/v1/notifications', notificationRoutes)
    .route('/api/v1/transactions', transactionRoutes)
    .route('/v1/traces', traceRoutes)

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}.` } }, 404))
  app.onError((err, c) => {
    if (err instanceof AppError) {
      for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v)
      const body: Record<string, unknown> = { code: err.code, message: err.message }
      if (err.details !== undefined) body.details = err.details
      return c.json({ error: body }, err.status as 400)
    }
    // The log keeps the cause; the client gets no stack and no SQL.
    console.error(`[${new Date().toISOString()}] ${c.req.method} ${c.req.path} failed:`, err)
    return c.json({ error: { code: 'internal', message: 'Something went wrong on the server; the error was logged.' } }, 500)
  })
  return api
}

export type AppType = ReturnType<typeof buildApp>
