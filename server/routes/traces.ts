// POST /v1/traces: OTLP/HTTP, protobuf or JSON, gzip or not (CONTRACT §3). Answers per the
// OTLP/HTTP spec: an ExportTraceServiceResponse in the request's encoding, with partialSuccess
// (rejected span count and why) when some spans were bad; good spans always land.
import { routes } from '../http/openapi.ts'
import type { Db } from '../db/client.ts'
import { AppError, badRequest } from '../lib/errors.ts'
import { bodyBytes, isGzip } from '../ingest/body.ts'
import { decodeJson, decodeProtobuf, encodeProtobufResponse, normalize, OtlpBodyError } from '../traces/otlp.ts'
import { writeSpans } from '../traces/store.ts'
import { exportTraces } from './traces.schema.ts'

// OTLP requests are batches of spans, not snapshots: a bounded body (limits.max_otlp_bytes) is read whole.
export const traceRoutes = routes().openapi(exportTraces, async (c) => {
  const media = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase()
  const proto = media === 'application/x-protobuf' || media === 'application/protobuf'
  if (!proto && media !== 'application/json')
    throw new AppError(415, 'unsupported_media_type', `Content-Type '${media || '(missing)'}' is not accepted: send application/x-protobuf or application/json (OTLP/HTTP).`)
  const chunks: Buffer[] = []
  const limit = { maxBytes: c.var.services.config.limits.max_otlp_bytes, setting: 'limits.max_otlp_bytes', signal: c.req.raw.signal }
  for await (const chunk of bodyBytes(c.env?.incoming ?? c.req.raw.body, { gzip: isGzip(c.req.header('content-encoding')), ...limit }))
    chunks.push(chunk)
  const body = Buffer.concat(chunks)

  const t0 = performance.now()
  const { written, accepted, rejected, errors } = submit(c.var.services.db, proto, body)
  try {
    await written
    c.var.services.metrics.ingested('otlp', 'span', { accepted, rejected, duplicate: false }, (performance.now() - t0) / 1000)
  } catch (e) {
    c.var.services.log.error({ err: e }, 'writing spans failed')
    throw new AppError(503, 'storage_unavailable', 'Storage is unavailable; no span of this request was written. Retry later.', undefined, { 'Retry-After': '5' })
  }
  if (accepted) c.var.services.onIngested?.('otlp', 'traces')
  const message = rejected ? `${rejected} span(s) rejected: ${errors.join('; ')}` : ''
  if (proto) return c.body(Buffer.from(encodeProtobufResponse(rejected, message)), 200, { 'Content-Type': 'application/x-protobuf' })
  return c.json(rejected ? { partialSuccess: { rejectedSpans: String(rejected), errorMessage: message } } : {}, 200)
})

/**
 * Decodes a request and hands its spans to the writer at once; only the counts are kept while
 * the insert runs, so the decoded request is garbage before the await (it dies young).
 */
function submit(db: Db, proto: boolean, body: Buffer) {
  let decoded
  try {
    decoded = normalize(proto ? decodeProtobuf(body) : decodeJson(body))
  } catch (e) {
    if (e instanceof OtlpBodyError) throw badRequest('bad_otlp', e.message)
    throw e
  }
  return { written: writeSpans(db, decoded.spans), accepted: decoded.spans.length, rejected: decoded.rejected, errors: decoded.errors }
}
