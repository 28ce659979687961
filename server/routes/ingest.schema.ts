// The ingest route's contract (CONTRACT §3). The body is described, never validated here: it
// streams (NDJSON or a JSON array, gzip or not) through the pipeline, which answers per line.
// Its media types carry plain OpenAPI schemas, not zod ones, so no validator reads or buffers it.
import { createRoute } from '@hono/zod-openapi'
import { dateTime, flag, z } from '../http/schemas.ts'
import { ENTITY_NAMES } from '../model/entities.ts'
import { answersAnd, errorOf } from './auth.schema.ts'

const record = { type: 'object', description: 'One record of the entity (CONTRACT §2), or an event.' } as const

/** A streamed body's media types: documented only (see the file's comment). */
export const recordsBody = {
  required: true,
  description: 'The records: NDJSON (one a line) or a JSON array; Content-Encoding: gzip is accepted. A line that does not parse is reported, not fatal.',
  content: {
    'application/x-ndjson': { schema: { type: 'string', description: 'One JSON record a line (also application/ndjson, application/jsonl).' } },
    'application/json': { schema: { type: 'array', items: record } },
  },
} as const

const LineError = z.strictObject({ line: z.number().int(), field: z.string(), message: z.string() }).openapi('LineError')

export const BatchResult = z
  .strictObject({
    batch: z.string().openapi({ description: 'The batch id: `batch`, else Idempotency-Key, else generated.' }),
    accepted: z.number().int(),
    rejected: z.number().int().openapi({ description: 'Lines sent to the dead-letter store.' }),
    duplicate: z.boolean().openapi({ description: 'This batch id was already committed: nothing was written again.' }),
    errors: z.array(LineError).openapi({ description: 'The first 100 rejected lines and why.' }),
    deleted: z.number().int().optional().openapi({ description: 'mode=full: records the snapshot no longer holds.' }),
    snapshot: z.strictObject({ id: z.string(), parts: z.number().int(), complete: z.boolean() }).optional(),
  })
  .openapi('BatchResult')

const notNegative = 'expected a non-negative integer'

export const ingest = createRoute({
  method: 'post',
  path: '/{system}/{entity}',
  summary: 'Send a batch of one entity\'s records from a source',
  request: {
    params: z.object({
      system: z.string().openapi({ param: { name: 'system', in: 'path' }, example: 'kantata', description: 'A configured source.' }),
      entity: z.string().openapi({ param: { name: 'entity', in: 'path' }, enum: [...ENTITY_NAMES, 'events'], example: 'time_entry' }),
    }),
    query: z.strictObject({
      mode: z.enum(['delta', 'full'], { error: 'expected delta or full' }).default('delta').openapi({ description: 'full: a snapshot; what it lacks is deleted.' }),
      batch: z.string().min(1).max(256).optional().openapi({ description: 'The batch id: a batch sent again is answered as a duplicate.' }),
      observed_at: dateTime.optional().openapi({ description: 'When the source read the records (default: now).' }),
      snapshot: z.string().min(1).max(256).optional().openapi({ description: 'mode=full: the snapshot id its parts share.' }),
      part: z.coerce.number({ error: notNegative }).int({ error: notNegative }).nonnegative({ error: notNegative }).optional().openapi({ type: 'integer', minimum: 0, description: 'mode=full: this part\'s number.' }),
      last: flag.openapi({ description: 'mode=full: the snapshot\'s last part.' }),
    }),
    headers: z.object({
      'idempotency-key': z.string().optional().openapi({ description: 'The batch id when `batch` is absent.' }),
    }),
    body: recordsBody,
  },
  responses: answersAnd(BatchResult, 'The batch, committed (or a duplicate of one)', {
    413: errorOf('The body (decompressed) is over limits.max_body_bytes; nothing was written.'),
    415: errorOf('Content-Type or Content-Encoding not accepted.'),
    429: errorOf('Too many ingest requests for this token; Retry-After says when.'),
    503: errorOf('Storage is unavailable; nothing of the batch was written. Retry later.'),
  }),
})
