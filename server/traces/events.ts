// Native step events for senders without OpenTelemetry (POST /api/v1/ingest/{system}/events):
// one NDJSON line per step of a transaction, stored as a span in otel_traces.
import crypto from 'node:crypto'
import { z } from 'zod'
import { formatPath } from '../config/load.ts'
import { parseDatetime } from '../lib/time.ts'
import type { SpanRecord } from './otlp.ts'
import { LATEST_NS, LATEST_TIME } from './span-row.ts'

// A span's times are DateTime64(9): nanoseconds from 1970 up to LATEST_TIME. One outside fails
// the load of every span stored with it, so its line is rejected here, naming the field.
const datetime = z.string({ error: 'expected an ISO-8601 datetime string' }).superRefine((s, ctx) => {
  if (parseDatetime(s) === null) ctx.addIssue({ code: 'custom', message: 'expected an ISO-8601 datetime with Z or an offset' })
  else if (ns(s) < 0n || ns(s) > LATEST_NS)
    ctx.addIssue({ code: 'custom', message: `must be between 1970-01-01T00:00:00Z and ${LATEST_TIME} (the range of a span's time)` })
})
const text = (max: number) => z.string({ error: 'expected a string' }).min(1, { message: 'must not be empty' }).max(max)

export const stepEventSchema = z.object({
  transaction_id: text(256),
  workflow: text(128),
  step: text(256),
  entity_type: text(64),
  entity_key: text(128),
  status: z.enum(['ok', 'error'], { error: 'expected ok or error' }),
  error_message: z.string().max(10_000).nullish(),
  attempt: z.number({ error: 'expected a number' }).int().positive().nullish(),
  started_at: datetime,
  ended_at: datetime.nullish(),
})

export type StepEvent = z.output<typeof stepEventSchema>

const hex = (s: string, n: number) => crypto.createHash('sha256').update(s).digest('hex').slice(0, n)

function ns(iso: string): bigint {
  const d = parseDatetime(iso)!
  const frac = /\.(\d+)/.exec(iso.slice(19))?.[1] ?? ''
  // Keep sub-millisecond digits the sender gave.
  return BigInt(d.getTime()) * 1_000_000n + BigInt((frac.slice(3, 9) || '0').padEnd(6, '0'))
}

export function eventToSpan(system: string, e: StepEvent): SpanRecord {
  const traceId = /^[0-9a-f]{32}$/i.test(e.transaction_id) ? e.transaction_id.toLowerCase() : hex(e.transaction_id, 32)
  const startNs = ns(e.started_at)
  const endNs = e.ended_at ? ns(e.ended_at) : startNs
  return {
    traceId,
    spanId: hex(`${e.transaction_id}\u0000${e.step}\u0000${e.attempt ?? ''}\u0000${e.started_at}`, 16),
    parentSpanId: '',
    traceState: '',
    name: e.step,
    kind: 'Internal',
    serviceName: system,
    scopeName: 'crosswalk.events',
    scopeVersion: '1',
    startNs,
    endNs: endNs < startNs ? startNs : endNs,
    statusCode: e.status === 'error' ? 'Error' : 'Ok',
    statusMessage: e.error_message ?? '',
    attributes: {
      'crosswalk.workflow': e.workflow,
      'crosswalk.entity.type': e.entity_type,
      'crosswalk.entity.key': e.entity_key,
      'crosswalk.transaction_id': e.transaction_id,
      ...(e.attempt ? { 'crosswalk.attempt': e.attempt } : {}),
    },
    resourceAttributes: { 'service.name': system },
    events: [],
    links: [],
  }
}

export type ParsedEvent = { ok: true; span: SpanRecord } | { ok: false; errors: Array<{ field: string; message: string }> }

export function parseEvent(system: string, line: string): ParsedEvent {
  let v: unknown
  try {
    v = JSON.parse(line)
  } catch (e) {
    return { ok: false, errors: [{ field: '', message: `malformed JSON: ${(e as Error).message}` }] }
  }
  const r = stepEventSchema.safeParse(v)
  if (!r.success) {
    // A field absent from the line is "required"; one present with a bad value gets zod's message.
    const absent = (path: PropertyKey[]) => path.length === 1 && !Object.hasOwn(v as object, path[0] as string)
    return {
      ok: false,
      errors: r.error.issues.map((i) => ({ field: formatPath(i.path), message: absent(i.path) ? 'is required' : i.message })),
    }
  }
  return { ok: true, span: eventToSpan(system, r.data) }
}
