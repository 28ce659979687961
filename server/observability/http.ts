// Watching every request: its id (a sane incoming X-Request-Id, else a new one) on each log line
// written while it runs and on its answer, one log line when it is answered, its latency by
// route pattern (never the raw path: bounded series), and a span when tracing is on. Also who
// may scrape /metrics, and the optional metrics listener on a local address.
import crypto from 'node:crypto'
import { Hono, type Context, type MiddlewareHandler, type Next } from 'hono'
import { matchedRoutes } from 'hono/route'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import type { AppEnv, Services } from '../context.ts'
import { bearer, sha256Hex } from '../auth/tokens.ts'
import { withRequestId } from './log.ts'
import { runInSpan, type Tracing } from './tracing.ts'

/** Ids we pass on as they came: bounded, and only characters safe in a header, a log and a URL. */
const SANE_ID = /^[A-Za-z0-9._:+=/-]{1,128}$/

export function requestIdOf(header: string | undefined): string {
  return header !== undefined && SANE_ID.test(header) ? header : crypto.randomUUID()
}

/** The route pattern that answered (e.g. /api/v1/exceptions/:id); `unmatched` for a 404 with no route. */
export function routeOf(c: Context): string {
  return matchedRoutes(c).find((m) => m.method !== 'ALL')?.path ?? 'unmatched'
}

export const observeRequests: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { log, metrics, tracing } = c.var.services
  const id = requestIdOf(c.req.header('x-request-id'))
  const t0 = performance.now()
  await withRequestId(id, () => (tracing ? traced(tracing, c, next) : next()))
  const seconds = (performance.now() - t0) / 1000
  const route = routeOf(c)
  const status = c.res.status
  c.header('X-Request-Id', id)
  metrics.request(c.req.method, route, status, seconds)
  const p = c.var.principal
  withRequestId(id, () => log.info({ method: c.req.method, route, status, ms: Math.round(seconds * 1e4) / 10, actor: p?.id ?? null }, 'request'))
}

async function traced(t: Tracing, c: Context<AppEnv>, next: Next): Promise<void> {
  await runInSpan(t, c.req.method, { 'http.request.method': c.req.method, 'url.path': c.req.path.slice(0, 512) }, SpanKind.SERVER, async (span) => {
    try {
      await next()
    } finally {
      const route = routeOf(c)
      span.updateName(`${c.req.method} ${route}`)
      span.setAttributes({ 'http.route': route, 'http.response.status_code': c.res.status })
      if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
      span.end()
    }
  })
}

/** The request carries the metrics token of the config (compared as digests, in constant time). */
export function isMetricsScraper(c: Context<AppEnv>): boolean {
  const want = c.var.services.config.metrics.token
  const got = bearer(c.req.header('authorization'))
  if (!want || !got) return false
  return crypto.timingSafeEqual(Buffer.from(sha256Hex(got)), Buffer.from(sha256Hex(want)))
}

/** The metrics listener's app: /metrics only, with the token when one is configured. */
export function metricsListenerApp(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(async (c, next) => {
    c.set('services', services)
    c.set('principal', null)
    await next()
  })
  app.use(observeRequests)
  app.get('/metrics', async (c) => {
    if (services.config.metrics.token && !isMetricsScraper(c))
      return c.json({ error: { code: 'unauthorized', message: 'Send the metrics token: Authorization: Bearer <metrics.token>.' } }, 401, { 'WWW-Authenticate': 'Bearer realm="crosswalk-metrics"' })
    return c.text(await services.metrics.text(), 200, { 'Content-Type': services.metrics.contentType, 'Cache-Control': 'no-store' })
  })
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'This listener serves GET /metrics only.' } }, 404))
  return app
}
