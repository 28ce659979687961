// The health route's contract: the engine, the version, each source's freshness, and the
// background work (demo load, span log, derived tables) an operator watches.
import { createRoute } from '@hono/zod-openapi'
import { answers, dateTime, z } from '../http/schemas.ts'
import { SOURCE_KINDS } from '../model/entities.ts'
import { DISK_PARTS } from '../ops/disk.ts'

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
    status: z.enum(['ok', 'degraded', 'failing']).openapi({
      description: '`failing` (answered with 503): no write can succeed (a full disk, a read-only data dir, storage down). `degraded`: writes succeed, but something acknowledged is not where reads find it (see `problems`).',
    }),
    problems: z.array(z.string()).openapi({ description: 'What is wrong, one sentence each; empty when ok.' }),
    writes: z
      .strictObject({ ok: z.boolean(), checked_at: dateTime, problem: z.string().nullable() })
      .openapi({ description: 'A tiny write to the engine (and the data dir) at most every 10 s: whether writes succeed now.' }),
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
    disk: z
      .strictObject(Object.fromEntries(DISK_PARTS.map((p) => [p, z.strictObject({ bytes: z.number().int(), rows: z.number().int() })])) as Record<(typeof DISK_PARTS)[number], z.ZodObject<{ bytes: z.ZodNumber; rows: z.ZodNumber }>>)
      .openapi({ description: 'Bytes on disk and rows of each part of the data, in the engine.' }),
    read_cache: z.strictObject({ generation: z.number().int(), entries: z.number().int(), hits: z.number().int(), misses: z.number().int(), shared: z.number().int() }),
    engine: z.strictObject({ kind: z.enum(['chdb', 'clickhouse']).openapi({ description: 'chdb: the embedded engine; clickhouse: a server or cluster (CLICKHOUSE_URL).' }), version: z.string() }),
    sources: z.array(SourceHealth),
  })
  .openapi('Health')

export const health = createRoute({
  method: 'get',
  path: '/',
  summary: 'Engine, version, source freshness and background work',
  description: 'Answered with 503 and this same body while `status` is `failing` (no write can succeed), so a monitor sees it without reading JSON.',
  responses: answers(Health, 'The server\'s health'),
})
