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
  description:
    'One detection run at a time, also across several Crosswalk servers sharing one ClickHouse: a request that finds a run going (here, on another server, or scheduled) waits for it to finish, then runs its own and answers that run, so its answer reflects the data when it started. A server that stops mid-run leaves a lease that expires after 60 s; the next run then undoes the rows of the run cut short, so sending a request again after an error never doubles an exception or an event.',
  request: { query: z.strictObject({ as_of: asOf }) },
  responses: answers(DetectionRun, 'What the run found and changed'),
})
