// POST /api/v1/ingest/{system}/{entity} (CONTRACT §3).
import crypto from 'node:crypto'
import { AppError, badRequest, notFound } from '../lib/errors.ts'
import { routes } from '../http/openapi.ts'
import { ENTITY_NAMES, isEntityName } from '../model/entities.ts'
import { parseDatetime, toChDateTime } from '../lib/time.ts'
import { bodyBytes, bodyFormat, isGzip, tooLarge } from '../ingest/body.ts'
import { jsonArrayRecords, ndjsonRecords } from '../ingest/records.ts'
import { ingestBatch } from '../ingest/pipeline.ts'
import { ingestEvents } from '../traces/ingest-events.ts'
import { ingest } from './ingest.schema.ts'
import type { Logger } from '../observability/log.ts'

export const ingestRoutes = routes().openapi(ingest, async (c) => {
  const { db, config } = c.var.services
  const { system, entity } = c.req.valid('param')
  const source = config.sources.find((s) => s.system === system)
  if (!source) throw notFound(`Unknown source '${system}': configured sources are ${config.sources.map((s) => s.system).join(', ') || 'none'}.`)
  if (entity !== 'events' && !isEntityName(entity))
    throw badRequest('unknown_entity', `Unknown entity '${entity}': expected one of ${ENTITY_NAMES.join(', ')}, or events.`)

  const q = c.req.valid('query')
  const batchId = q.batch ?? c.req.valid('header')['idempotency-key'] ?? crypto.randomUUID()
  if (q.mode !== 'full' && (q.snapshot || q.part !== undefined || q.last !== undefined))
    throw badRequest('bad_parameter', 'snapshot, part and last only apply to mode=full.')
  const format = bodyFormat(c.req.header('content-type'))
  const gzip = isGzip(c.req.header('content-encoding'))
  const maxBytes = config.limits.max_body_bytes
  const length = Number(c.req.header('content-length') ?? NaN)
  if (!gzip && length > maxBytes) throw tooLarge(maxBytes)

  const bytes = bodyBytes(c.env?.incoming ?? c.req.raw.body, { gzip, maxBytes, signal: c.req.raw.signal })
  const records = format === 'ndjson' ? ndjsonRecords(bytes) : jsonArrayRecords(bytes)
  const observedAt = toChDateTime(q.observed_at ? parseDatetime(q.observed_at)! : new Date())
  if (entity === 'events') {
    const t0 = performance.now()
    const r = await ingestEvents(db, system, batchId, observedAt, records).catch(storageDown(c.var.services.log))
    c.var.services.metrics.ingested(system, entity, r, (performance.now() - t0) / 1000)
    if (r.accepted) c.var.services.onIngested?.(system, entity)
    return c.json(r, 200)
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
      last: q.last ?? false,
      source: 'api',
    },
    records,
  ).catch(storageDown(c.var.services.log))
  if (!result.duplicate) c.var.services.onIngested?.(system, entity)
  return c.json(result, 200)
})

/** Anything but a request error while writing means storage failed: nothing was committed. */
const storageDown = (log: Logger) => (e: unknown): never => {
  if (e instanceof AppError) throw e
  // The error alone, redacted by the logger: an engine's message can quote the rows it failed on.
  log.error({ err: e }, 'ingest failed in storage')
  throw new AppError(503, 'storage_unavailable', 'Storage is unavailable; nothing of this batch was written. Retry later.', undefined, { 'Retry-After': '5' })
}
