// The sources route's contract: each configured source with its kind, last batch, freshness and
// records per entity.
import { createRoute } from '@hono/zod-openapi'
import { answers, asOf, z } from '../http/schemas.ts'
import { SOURCE_KINDS } from '../model/entities.ts'

const at = z.string().nullable().openapi({ format: 'date-time' })

/** One connector pull (CONTRACT §8). */
export const ConnectorRun = z
  .strictObject({
    run_id: z.uuid(),
    mode: z.enum(['incremental', 'full']),
    trigger: z.string().openapi({ description: 'schedule, api or cli.' }),
    status: z.enum(['running', 'ok', 'failed']),
    started_at: z.string().openapi({ format: 'date-time' }),
    ended_at: at,
    pages: z.number().int(),
    records: z.number().int().openapi({ description: 'Records accepted.' }),
    rejected: z.number().int().openapi({ description: 'Records rejected (in the dead letters, with the field named).' }),
    cursor: z.record(z.string(), z.unknown()).openapi({ description: 'Per entity, the cursor saved after its last committed page.' }),
    error: z.string().nullable().openapi({ description: 'Why the run failed or stopped early, in words.' }),
  })
  .openapi('ConnectorRun')

const ConnectorStatus = z
  .strictObject({
    type: z.string(),
    every: z.string().nullable(),
    full_every: z.string().nullable(),
    next_run_at: at.openapi({ description: 'When the next scheduled pull is due; null: on demand only.' }),
    next_mode: z.enum(['incremental', 'full']).nullable(),
    last_run: ConnectorRun.nullable(),
  })
  .openapi('ConnectorStatus')

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
    connector: ConnectorStatus.nullable().openapi({ description: 'The source\'s connector (CONTRACT §8); null when it only receives pushes.' }),
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

const system = z.string().openapi({ param: { name: 'system', in: 'path' }, example: 'salesforce' })

const RunStarted = z.strictObject({ run_id: z.uuid() }).openapi('RunStarted')
// The errors every route may answer, without its 200: a pull answers 202.
const { 200: _ok, ...errorsOnly } = answers(RunStarted, '')

export const pull = createRoute({
  method: 'post',
  path: '/{system}/pull',
  summary: 'Start a pull of the source\'s connector now',
  request: {
    params: z.strictObject({ system }),
    query: z.strictObject({ mode: z.enum(['incremental', 'full']).default('incremental').openapi({ description: 'full: a complete listing, sent as a full snapshot (deletions).' }) }),
  },
  responses: {
    202: { content: { 'application/json': { schema: RunStarted } }, description: 'The pull started (or the one already running); follow it at runs/{run_id}.' },
    ...errorsOnly,
  },
})

export const runs = createRoute({
  method: 'get',
  path: '/{system}/runs',
  summary: 'The connector\'s runs, newest first',
  request: { params: z.strictObject({ system }), query: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ type: 'integer' }) }) },
  responses: answers(z.strictObject({ items: z.array(ConnectorRun), next_cursor: z.null() }), 'The latest runs'),
})

export const oneRun = createRoute({
  method: 'get',
  path: '/{system}/runs/{run_id}',
  summary: 'One connector run',
  request: { params: z.strictObject({ system, run_id: z.uuid().openapi({ param: { name: 'run_id', in: 'path' } }) }) },
  responses: answers(ConnectorRun, 'The run'),
})
