// POST /api/v1/detect?as_of=ISO: run every rule now, answer what changed.
import { routes } from '../http/openapi.ts'
import { parseDatetime } from '../lib/time.ts'
import { detect } from './detect.schema.ts'

export const detectRoutes = routes().openapi(detect, async (c) => {
  const q = c.req.valid('query')
  const asOf = q.as_of ? parseDatetime(q.as_of)! : new Date()
  return c.json(await c.var.services.detector.run(asOf, 'api'), 200)
})
