// The detection route's contract (CONTRACT §4): run every enabled rule as of a time.
import { createRoute } from '@hono/zod-openapi'
import { answers, asOf, dateTime, z } from '../http/schemas.ts'

export const DetectionRun = z
  .strictObject({
    run_id: z.uuid(),
    as_of: dateTime,
    detected: z.number().int().openapi({ description: 'Findings of every rule.' }),
    opened: z.number().int(),
    reopened: z.number().int(),
    still_open: z.number().int(),
    auto_resolved: z.number().int().openapi({ description: 'Open exceptions whose finding is gone.' }),
    rules: z.record(z.string(), z.strictObject({ count: z.number().int(), ms: z.number() })),
    duration_ms: z.number(),
  })
  .openapi('DetectionRun')

export const detect = createRoute({
  method: 'post',
  path: '/',
  summary: 'Run every enabled rule now, as of a time',
  request: { query: z.strictObject({ as_of: asOf }) },
  responses: answers(DetectionRun, 'What the run found and changed'),
})
