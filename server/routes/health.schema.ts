// The health route's contract: the engine, the version, each source's freshness, and the
// background work (demo load, span log, derived tables) an operator watches.
import { createRoute } from '@hono/zod-openapi'
import { answers, dateTime, z } from '../http/schemas.ts'
import { SOURCE_KINDS } from '../model/entities.ts'

const SourceHealth = z.strictObject({
  system: z.string(),
  kind: z.enum(SOURCE_KINDS),
  last_observed_at: dateTime.nullable(),
  last_received_at: dateTime.nullable(),
  batches: z.number().int(),
  age_seconds: z.number().int().nullable().openapi({ description: 'Seconds since last_observed_at.' }),
  fresh: z.boolean().openapi({ description: 'Observed within the source_stale rule\'s max_age_hours.' }),
})

export const Health = z
  .strictObject({
    status: z.literal('ok'),
    version: z.string(),
    demo: z.enum(['loading', 'loaded', 'failed']).nullable().openapi({ description: 'Only with `serve --demo` on an empty database.' }),
    span_log: z
      .strictObject({ segments_pending: z.number().int(), segments_failing: z.number().int(), segments_set_aside: z.number().int() })
      .nullable()
      .openapi({ description: 'Spans acknowledged but not yet loaded (embedded engine only).' }),
    fast_path: z
      .strictObject({
        state: z.enum(['building', 'ready', 'failed']),
        pending_batches: z.number().int(),
        covers_as_of_from: dateTime.nullable(),
        last_rebuild: z.strictObject({ seconds: z.number(), batches: z.number().int(), at: dateTime }).nullable(),
        error: z.string().nullable(),
      })
      .openapi({ description: 'Derived time-entry tables: while building, reads are exact but slower.' }),
    read_cache: z.strictObject({ generation: z.number().int(), entries: z.number().int(), hits: z.number().int(), misses: z.number().int(), shared: z.number().int() }),
    engine: z.strictObject({ kind: z.enum(['chdb', 'clickhouse']).openapi({ description: 'chdb: the embedded engine; clickhouse: a server or cluster (CLICKHOUSE_URL).' }), version: z.string() }),
    sources: z.array(SourceHealth),
  })
  .openapi('Health')

export const health = createRoute({
  method: 'get',
  path: '/',
  summary: 'Engine, version, source freshness and background work',
  responses: answers(Health, 'The server\'s health'),
})
