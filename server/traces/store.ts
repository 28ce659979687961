// Writes spans into otel_traces in the OpenTelemetry Collector exporter's conventions (hex ids,
// "Server"/"Error" enum names, attribute values as text in the Map columns), plus the typed
// values (of span, resource, event and link attributes) in the *JSON columns.
import type { Db } from '../db/client.ts'
import { bulkInsert } from '../db/query.ts'
import { LineBuffer } from '../lib/line-buffer.ts'
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

const q = JSON.stringify
const NO_EVENTS = '"Events.Timestamp":[],"Events.Name":[],"Events.Attributes":[]'
const NO_LINKS = '"Links.TraceId":[],"Links.SpanId":[],"Links.TraceState":[],"Links.Attributes":[]'

/**
 * One span as a JSONEachRow line. Written out by hand rather than as an object for
 * JSON.stringify: ids and times are hex and digits (nothing to escape), most spans have no
 * events or links, and this runs once per span on the ingest path.
 */
function row(s: SpanRecord): string {
  const events = s.events.length
    ? `"Events.Timestamp":${q(s.events.map((e) => nsToCh(e.timeNs)))},"Events.Name":${q(s.events.map((e) => e.name))},"Events.Attributes":${q(s.events.map((e) => textMap(e.attributes)))}`
    : NO_EVENTS
  const links = s.links.length
    ? `"Links.TraceId":${q(s.links.map((l) => l.traceId))},"Links.SpanId":${q(s.links.map((l) => l.spanId))},"Links.TraceState":${q(s.links.map((l) => l.traceState))},"Links.Attributes":${q(s.links.map((l) => textMap(l.attributes)))}`
    : NO_LINKS
  return (
    `{"Timestamp":"${nsToCh(s.startNs)}","TraceId":"${s.traceId}","SpanId":"${s.spanId}","ParentSpanId":"${s.parentSpanId}",` +
    `"TraceState":${q(s.traceState)},"SpanName":${q(s.name)},"SpanKind":"${s.kind}","ServiceName":${q(s.serviceName)},` +
    `"ResourceAttributes":${q(textMap(s.resourceAttributes))},"ScopeName":${q(s.scopeName)},"ScopeVersion":${q(s.scopeVersion)},` +
    `"SpanAttributes":${q(textMap(s.attributes))},"Duration":"${s.endNs - s.startNs}","StatusCode":"${s.statusCode}",` +
    `"StatusMessage":${q(s.statusMessage)},${events},${links},` +
    `"SpanAttributesJSON":${q(s.attributesJson ?? q(s.attributes))},"ResourceAttributesJSON":${q(q(s.resourceAttributes))},` +
    `"EventsAttributesJSON":${s.events.length ? q(q(s.events.map((e) => e.attributes))) : '""'},` +
    `"LinksAttributesJSON":${s.links.length ? q(q(s.links.map((l) => l.attributes))) : '""'}}`
  )
}

/**
 * Group commit: spans of requests that arrive while an insert is in flight are written
 * together by the next one. Each request still answers only once its spans are on disk, but
 * many small OTLP batches cost one insert instead of one each. A request's spans are formatted
 * into the group's buffer as soon as it arrives, so its decoded objects die young instead of
 * waiting (and being promoted to the old generation) for the insert.
 */
class GroupWriter {
  private filling = new LineBuffer(1 << 20)
  private spare = new LineBuffer(1 << 20)
  private waiting: Array<(e?: unknown) => void> = []
  private flushing = false

  constructor(private db: Db) {}

  write(spans: SpanRecord[]): Promise<void> {
    for (const s of spans) this.filling.push(row(s))
    return new Promise((resolve, reject) => {
      this.waiting.push((e) => (e ? reject(e) : resolve()))
      if (!this.flushing) void this.flush()
    })
  }

  private async flush(): Promise<void> {
    this.flushing = true
    while (this.waiting.length) {
      const group = this.waiting.splice(0)
      const buf = this.filling
      this.filling = this.spare
      try {
        await bulkInsert(this.db, 'otel_traces', COLUMNS, buf.bytes(), 'JSONEachRow')
        for (const done of group) done()
      } catch (e) {
        for (const done of group) done(e)
      }
      buf.clear()
      this.spare = buf
    }
    this.flushing = false
  }
}

const writers = new WeakMap<Db, GroupWriter>()

/** Writes spans (OTLP requests and native step events alike); resolves once they are on disk. */
export function writeSpans(db: Db, spans: SpanRecord[]): Promise<void> {
  if (spans.length === 0) return Promise.resolve()
  let w = writers.get(db)
  if (!w) writers.set(db, (w = new GroupWriter(db)))
  return w.write(spans)
}
