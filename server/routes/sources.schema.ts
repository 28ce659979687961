// The sources route's contract: each configured source with its kind, last batch, freshness and
// records per entity.
import { createRoute } from '@hono/zod-openapi'
import { answers, asOf, z } from '../http/schemas.ts'
import { SOURCE_KINDS } from '../model/entities.ts'

const at = z.string().nullable().openapi({ format: 'date-time' })

export const Source = z
  .strictObject({
    system: z.string(),
    kind: z.enum(SOURCE_KINDS),
    name: z.string(),
    batches: z.number().int().openapi({ description: 'Committed batches.' }),
    last_batch: z.string().nullable().openapi({ description: 'The id of the batch received last.' }),
    last_entity: z.string().nullable().openapi({ description: 'The entity of the batch received last.' }),
    last_observed_at: at.openapi({ description: 'The newest observed_at of its batches.' }),
    last_received_at: at,
    stale: z.boolean().openapi({ description: 'Nothing observed within source_stale\'s max_age_hours before as_of (or ever).' }),
    rejected: z.number().int().openapi({ description: 'Lines rejected, over every batch.' }),
    entities: z
      .record(z.string(), z.strictObject({ records: z.number().int(), deleted: z.number().int().openapi({ description: 'Keys whose latest version is a deletion.' }) }))
      .openapi({ description: 'Per entity, its records as of as_of.' }),
  })
  .openapi('Source')

export const SourcesAnswer = z
  .strictObject({
    as_of: z.string().openapi({ format: 'date-time' }),
    items: z.array(Source),
    next_cursor: z.null(),
  })
  .openapi('Sources')

export const list = createRoute({
  method: 'get',
  path: '/',
  summary: 'Each configured source: kind, last batch, freshness, records per entity',
  request: { query: z.strictObject({ as_of: asOf }) },
  responses: answers(SourcesAnswer, 'Every configured source, in the configuration\'s order'),
})
