// GET /metrics (Prometheus text). Who may scrape is decided before this runs: the metrics token
// or an admin on the API's port (auth/middleware.ts), anyone on a local metrics listener.
import { routes } from '../http/openapi.ts'
import { metrics } from './metrics.schema.ts'

export const metricsRoutes = routes().openapi(metrics, async (c) => {
  const m = c.var.services.metrics
  return c.text(await m.text(), 200, { 'Content-Type': m.contentType, 'Cache-Control': 'no-store' })
})
