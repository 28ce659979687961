// POST /api/v1/detect?as_of=ISO: run every rule now, answer what changed.
import { refreshSettings } from '../config/settings.ts'
import { routes } from '../http/openapi.ts'
import { parseDatetime } from '../lib/time.ts'
import { detect } from './detect.schema.ts'

export const detectRoutes = routes().openapi(detect, async (c) => {
  const q = c.req.valid('query')
  const asOf = q.as_of ? parseDatetime(q.as_of)! : new Date()
  // Routing and thresholds saved on another server sharing the engine apply to this run too.
  await refreshSettings(c.var.services.db, c.var.services.config)
  return c.json(await c.var.services.detector.run(asOf, 'api'), 200)
})
