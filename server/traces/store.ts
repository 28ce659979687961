// Writes spans into otel_traces in the OpenTelemetry Collector exporter's conventions (hex ids,
// "Server"/"Error" enum names, attribute values as text in the Map columns), plus the typed
// values (of span, resource, event and link attributes) in the *JSON columns.
import type { Db } from '../db/client.ts'
import { bulkInsert } from '../db/query.ts'
import { textMap } from './any-value.ts'
import type { SpanRecord } from './otlp.ts'

/** Nanoseconds since the epoch as DateTime64(9) text (UTC). */
export function nsToCh(ns: bigint): string {
  const secs = ns / 1_000_000_000n
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0')
  return new Date(Number(secs) * 1000).toISOString().slice(0, 19).replace('T', ' ') + '.' + frac
}

const COLUMNS = [
  'Timestamp', 'TraceId', 'SpanId', 'ParentSpanId', 'TraceState', 'SpanName', 'SpanKind', 'ServiceName',
  'ResourceAttributes', 'ScopeName', 'ScopeVersion', 'SpanAttributes', 'Duration', 'StatusCode', 'StatusMessage',
  'Events.Timestamp', 'Events.Name', 'Events.Attributes', 'Links.TraceId', 'Links.SpanId', 'Links.TraceState', 'Links.Attributes',
  'SpanAttributesJSON', 'ResourceAttributesJSON', 'EventsAttributesJSON', 'LinksAttributesJSON',
]

function row(s: SpanRecord): string {
  return JSON.stringify({
    Timestamp: nsToCh(s.startNs),
    TraceId: s.traceId,
    SpanId: s.spanId,
    ParentSpanId: s.parentSpanId,
    TraceState: s.traceState,
    SpanName: s.name,
    SpanKind: s.kind,
    ServiceName: s.serviceName,
    ResourceAttributes: textMap(s.resourceAttributes),
    ScopeName: s.scopeName,
    ScopeVersion: s.scopeVersion,
    SpanAttributes: textMap(s.attributes),
    Duration: (s.endNs - s.startNs).toString(),
    StatusCode: s.statusCode,
    StatusMessage: s.statusMessage,
    'Events.Timestamp': s.events.map((e) => nsToCh(e.timeNs)),
    'Events.Name': s.events.map((e) => e.name),
    'Events.Attributes': s.events.map((e) => textMap(e.attributes)),
    'Links.TraceId': s.links.map((l) => l.traceId),
    'Links.SpanId': s.links.map((l) => l.spanId),
    'Links.TraceState': s.links.map((l) => l.traceState),
    'Links.Attributes': s.links.map((l) => textMap(l.attributes)),
    SpanAttributesJSON: JSON.stringify(s.attributes),
    ResourceAttributesJSON: JSON.stringify(s.resourceAttributes),
    EventsAttributesJSON: s.events.length ? JSON.stringify(s.events.map((e) => e.attributes)) : '',
    LinksAttributesJSON: s.links.length ? JSON.stringify(s.links.map((l) => l.attributes)) : '',
  })
}

export async function writeSpans(db: Db, spans: SpanRecord[]): Promise<void> {
  const CHUNK = 50_000
  for (let i = 0; i < spans.length; i += CHUNK)
    await bulkInsert(db, 'otel_traces', COLUMNS, spans.slice(i, i + CHUNK).map(row).join('\n') + '\n', 'JSONEachRow')
}

/**
 * Group commit: spans of requests that arrive while an insert is in flight are written
 * together by the next one. Each request still answers only once its spans are on disk, but
 * many small OTLP batches cost one insert instead of one each.
 */
class GroupWriter {
  private pending: Array<{ spans: SpanRecord[]; done: (e?: unknown) => void }> = []
  private flushing = false

  constructor(private db: Db) {}

  write(spans: SpanRecord[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ spans, done: (e) => (e ? reject(e) : resolve()) })
      if (!this.flushing) void this.flush()
    })
  }

  private async flush(): Promise<void> {
    this.flushing = true
    while (this.pending.length) {
      const group = this.pending.splice(0)
      try {
        await writeSpans(this.db, group.flatMap((g) => g.spans))
        for (const g of group) g.done()
      } catch (e) {
        for (const g of group) g.done(e)
      }
    }
    this.flushing = false
  }
}

const writers = new WeakMap<Db, GroupWriter>()

export function writeSpansGrouped(db: Db, spans: SpanRecord[]): Promise<void> {
  if (spans.length === 0) return Promise.resolve()
  let w = writers.get(db)
  if (!w) writers.set(db, (w = new GroupWriter(db)))
  return w.write(spans)
}
