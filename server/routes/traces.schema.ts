// The OTLP/HTTP trace route's contract (CONTRACT §3): an ExportTraceServiceRequest in protobuf or
// JSON, gzip or not, answered in the request's own encoding. The body is described with plain
// OpenAPI schemas, not zod ones, so no validator reads it: the handler decodes it (and gunzips).
import { createRoute } from '@hono/zod-openapi'
import { answers, z } from '../http/schemas.ts'
import { errorOf } from './auth.schema.ts'

const spec = 'https://opentelemetry.io/docs/specs/otlp/#otlphttp'
const protobuf = { type: 'string', format: 'binary', description: `An opentelemetry.proto.collector.trace.v1 message, protobuf-encoded (${spec}).` } as const

export const TraceExportAnswer = z
  .strictObject({
    partialSuccess: z
      .strictObject({
        rejectedSpans: z.string().openapi({ description: 'An int64, as a string (proto3 JSON).' }),
        errorMessage: z.string(),
      })
      .optional()
      .openapi({ description: 'Only when some spans were rejected; the good ones are written.' }),
  })
  .openapi('ExportTraceServiceResponse')

/** The errors every route answers (the 200 is the route's own). */
const errors = answers(TraceExportAnswer, '')

export const exportTraces = createRoute({
  method: 'post',
  path: '/',
  summary: 'OTLP/HTTP: export spans',
  request: {
    body: {
      required: true,
      description: 'An ExportTraceServiceRequest; Content-Encoding: gzip is accepted.',
      content: {
        'application/x-protobuf': { schema: protobuf },
        'application/protobuf': { schema: protobuf },
        'application/json': { schema: { type: 'object', description: `An ExportTraceServiceRequest in OTLP's JSON encoding (${spec}).` } },
      },
    },
  },
  responses: {
    200: {
      description: 'Written, answered in the request\'s encoding; partialSuccess when some spans were rejected',
      content: {
        'application/json': { schema: TraceExportAnswer },
        'application/x-protobuf': { schema: { ...protobuf, description: 'An ExportTraceServiceResponse, protobuf-encoded.' } },
      },
    },
    400: errors[400],
    401: errors[401],
    403: errors[403],
    413: errorOf('The body (decompressed) is over 64 MiB.'),
    415: errorOf('Content-Type or Content-Encoding not accepted.'),
    429: errorOf('Too many requests for this token; Retry-After says when.'),
    503: errorOf('Storage is unavailable; no span of the request was written. Retry later.'),
  },
})
