// POST /api/v1/ingest/{system}/{entity} (CONTRACT §3).
import crypto from 'node:crypto'
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../context.ts'
import { AppError, badRequest, notFound } from '../lib/errors.ts'
import { ENTITY_NAMES, isEntityName } from '../model/entities.ts'
import { parseDatetime, toChDateTime } from '../lib/time.ts'
import { bodyBytes, bodyFormat, isGzip, tooLarge } from '../ingest/body.ts'
import { jsonArrayRecords, ndjsonRecords } from '../ingest/records.ts'
import { ingestBatch } from '../ingest/pipeline.ts'
import { parseQuery } from '../http/validate.ts'
import { ingestEvents } from '../traces/ingest-events.ts'

const querySchema = z.strictObject({
  mode: z.enum(['delta', 'full'], { error: 'expected delta or full' }).default('delta'),
  batch: z.string().min(1).max(256).optional(),
  observed_at: z
    .string()
    .refine((s) => parseDatetime(s) !== null, { message: 'expected an ISO-8601 datetime with Z or an offset' })
    .optional(),
  snapshot: z.string().min(1).max(256).optional(),
  part: z.coerce.number({ error: 'expected a non-negative integer' }).int().nonnegative().optional(),
  last: z.enum(['true', 'false', '1', '0'], { error: 'expected true or false' }).optional(),
})

export const ingestRoutes = new Hono<AppEnv>().post('/:system/:entity', async (c) => {
  const { db, config } = c.var.services
  const { system, entity } = c.req.param()
  const source = config.sources.find((s) => s.system === system)
  if (!source) throw notFound(`Unknown source '${system}': configured sources are ${config.sources.map((s) => s.system).join(', ') || 'none'}.`)
  if (entity !== 'events' && !isEntityName(entity))
    throw badRequest('unknown_entity', `Unknown entity '${entity}': expected one of ${ENTITY_NAMES.join(', ')}, or events.`)

  const q = parseQuery(querySchema, c.req.query())
  const batchId = q.batch ?? c.req.header('idempotency-key') ?? crypto.randomUUID()
  if (q.mode !== 'full' && (q.snapshot || q.part !== undefined || q.last))
    throw badRequest('bad_parameter', 'snapshot, part and last only apply to mode=full.')
  const format = bodyFormat(c.req.header('content-type'))
  const gzip = isGzip(c.req.header('content-encoding'))
  const maxBytes = config.limits.max_body_bytes
  const length = Number(c.req.header('content-length') ?? NaN)
  if (!gzip && length > maxBytes) throw tooLarge(maxBytes)

  const bytes = bodyBytes(c.env?.incoming ?? c.req.raw.body, { gzip, maxBytes })
  const records = format === 'ndjson' ? ndjsonRecords(bytes) : jsonArrayRecords(bytes)
  const observedAt = toChDateTime(q.observed_at ? parseDatetime(q.observed_at)! : new Date())
  if (entity === 'events') {
    const r = await ingestEvents(db, system, batchId, observedAt, records).catch(storageDown)
    if (r.accepted) c.var.services.onIngested?.(system, entity)
    return c.json(r)
  }
  const result = await ingestBatch(
    db,
    {
      system,
      kind: source.kind,
      entity,
      batchId,
      mode: q.mode,
      observedAt,
      snapshotId: q.snapshot ?? null,
      part: q.part ?? null,
      last: q.last === 'true' || q.last === '1',
      source: 'api',
    },
    records,
  ).catch(storageDown)
  if (!result.duplicate) c.var.services.onIngested?.(system, entity)
  return c.json(result)
})

/** Anything but a request error while writing means storage failed: nothing was committed. */
function storageDown(e: unknown): never {
  if (e instanceof AppError) throw e
  console.error(`[${new Date().toISOString()}] ingest failed in storage:`, e)
  throw new AppError(503, 'storage_unavailable', 'Storage is unavailable; nothing of this batch was written. Retry later.', undefined, { 'Retry-After': '5' })
}
