// POST /api/v1/detect?as_of=ISO: run every rule now, answer what changed.
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../context.ts'
import { parseDatetime } from '../lib/time.ts'
import { parseQuery } from '../http/validate.ts'

const query = z.strictObject({
  as_of: z.string().refine((s) => parseDatetime(s) !== null, { message: 'expected an ISO-8601 datetime with Z or an offset' }).optional(),
})

export const detectRoutes = new Hono<AppEnv>().post('/', async (c) => {
  const q = parseQuery(query, c.req.query())
  const asOf = q.as_of ? parseDatetime(q.as_of)! : new Date()
  const result = await c.var.services.detector.run(asOf, 'api')
  return c.json(result)
})
