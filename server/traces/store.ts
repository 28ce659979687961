// Writes spans into otel_traces in the OpenTelemetry Collector exporter's conventions (hex ids,
// "Server"/"Error" enum names, attribute values as text in the Map columns), plus the typed
// values (of span, resource, event and link attributes) in the *JSON columns.
import path from 'node:path'
import type { ClickHouseSettings } from '@clickhouse/client'
import type { Db } from '../db/client.ts'
import { bulkInsert, loadFile } from '../db/query.ts'
import { LineBuffer } from '../lib/line-buffer.ts'
import { textMap, type Native } from './any-value.ts'
import type { SpanRecord } from './otlp.ts'
import { SpanLog } from './span-log.ts'

let memoSecs = -1n
let memoPrefix = ''

/** Nanoseconds since the epoch as DateTime64(9) text (UTC). */
export function nsToCh(ns: bigint): string {
  const secs = ns / 1_000_000_000n
  // Spans of one request mostly start within the same second: its date text is made once.
  if (secs !== memoSecs) {
    memoPrefix = new Date(Number(secs) * 1000).toISOString().slice(0, 19).replace('T', ' ') + '.'
    memoSecs = secs
  }
  return memoPrefix + (ns % 1_000_000_000n).toString().padStart(9, '0')
}

export const SPAN_COLUMNS = [
  'Timestamp', 'TraceId', 'SpanId', 'ParentSpanId', 'TraceState', 'SpanName', 'SpanKind', 'ServiceName',
  'ResourceAttributes', 'ScopeName', 'ScopeVersion', 'SpanAttributes', 'Duration', 'StatusCode', 'StatusMessage',
  'Events.Timestamp', 'Events.Name', 'Events.Attributes', 'Links.TraceId', 'Links.SpanId', 'Links.TraceState', 'Links.Attributes',
  'SpanAttributesJSON', 'ResourceAttributesJSON', 'EventsAttributesJSON', 'LinksAttributesJSON',
]

const q = JSON.stringify
/** Read a JSON object given for a String column as the object's text, exactly as written. */
const READ_OBJECTS_AS_TEXT: ClickHouseSettings = { input_format_json_read_objects_as_strings: 1 }

let memoResource: Record<string, Native> | null = null
let memoResourceText = ''

/** The resource's columns, shared by all the spans of a resourceSpans entry: made once for them. */
function resourceColumns(s: SpanRecord): string {
  if (s.resourceAttributes !== memoResource) {
    memoResourceText = `"ServiceName":${q(s.serviceName)},"ResourceAttributes":${q(textMap(s.resourceAttributes))},"ResourceAttributesJSON":${q(q(s.resourceAttributes))}`
    memoResource = s.resourceAttributes
  }
  return memoResourceText
}

/** The text Map column: the same JSON as the typed attributes when every value is a string. */
function spanAttributesText(s: SpanRecord): string {
  for (const k in s.attributes) if (typeof s.attributes[k] !== 'string') return q(textMap(s.attributes))
  return s.attributesJson ?? q(s.attributes)
}

/**
 * One span as a JSONEachRow line. Written out by hand rather than as an object for
 * JSON.stringify: ids and times are hex and digits (nothing to escape), most spans have no
 * events or links, and this runs once per span on the ingest path. SpanAttributesJSON goes in
 * as a JSON object, which the engine stores as its text (READ_OBJECTS_AS_TEXT): escaping the
 * largest value of the row a second time would cost more than the rest of the row.
 */
export function spanRow(s: SpanRecord): string {
  // Empty values are left out: the engine fills an omitted column with its default ('' or []).
  let row =
    `{"Timestamp":"${nsToCh(s.startNs)}","TraceId":"${s.traceId}","SpanId":"${s.spanId}",` +
    `"SpanName":${q(s.name)},"SpanKind":"${s.kind}",${resourceColumns(s)},"ScopeName":${q(s.scopeName)},` +
    `"SpanAttributes":${spanAttributesText(s)},"SpanAttributesJSON":${s.attributesJson ?? q(s.attributes)},` +
    `"Duration":"${s.endNs - s.startNs}","StatusCode":"${s.statusCode}"`
  if (s.parentSpanId) row += `,"ParentSpanId":"${s.parentSpanId}"`
  if (s.traceState) row += `,"TraceState":${q(s.traceState)}`
  if (s.scopeVersion) row += `,"ScopeVersion":${q(s.scopeVersion)}`
  if (s.statusMessage) row += `,"StatusMessage":${q(s.statusMessage)}`
  if (s.events.length)
    row +=
      `,"Events.Timestamp":${q(s.events.map((e) => nsToCh(e.timeNs)))},"Events.Name":${q(s.events.map((e) => e.name))},` +
      `"Events.Attributes":${q(s.events.map((e) => textMap(e.attributes)))},"EventsAttributesJSON":${q(q(s.events.map((e) => e.attributes)))}`
  if (s.links.length)
    row +=
      `,"Links.TraceId":${q(s.links.map((l) => l.traceId))},"Links.SpanId":${q(s.links.map((l) => l.spanId))},` +
      `"Links.TraceState":${q(s.links.map((l) => l.traceState))},"Links.Attributes":${q(s.links.map((l) => textMap(l.attributes)))},` +
      `"LinksAttributesJSON":${q(q(s.links.map((l) => l.attributes)))}`
  return row + '}'
}

/** Where acknowledged spans go: a write-ahead log on the embedded engine, inserts on a server. */
interface SpanSink {
  write(fill: (out: LineBuffer) => void): Promise<void>
  settle(): Promise<void>
  close(): Promise<void>
}

/**
 * Group commit, for a ClickHouse server: spans of requests that arrive while an insert is in
 * flight are written together by the next one, and each request answers once its spans are
 * inserted. (Crosswalk servers in front of one cluster share no disk, so a request is only
 * acknowledged once any of them can read it.) A request's spans are formatted into the group's
 * buffer as soon as it arrives, so its decoded objects die young instead of waiting (and being
 * promoted to the old generation) for the insert.
 */
class GroupWriter implements SpanSink {
  private filling = new LineBuffer(1 << 20, false)
  private spare = new LineBuffer(1 << 20, false)
  private waiting: Array<(e?: unknown) => void> = []
  private flushing = false

  constructor(private db: Db) {}

  write(fill: (out: LineBuffer) => void): Promise<void> {
    fill(this.filling)
    return new Promise((resolve, reject) => {
      this.waiting.push((e) => (e ? reject(e) : resolve()))
      if (!this.flushing) void this.flush()
    })
  }

  async settle(): Promise<void> {}

  async close(): Promise<void> {}

  private async flush(): Promise<void> {
    this.flushing = true
    while (this.waiting.length) {
      const group = this.waiting.splice(0)
      const buf = this.filling
      this.filling = this.spare
      try {
        await bulkInsert(this.db, 'otel_traces', SPAN_COLUMNS, buf.bytes(), 'JSONEachRow', READ_OBJECTS_AS_TEXT)
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

const sinks = new WeakMap<Db, SpanSink>()

function sinkFor(db: Db): SpanSink {
  let sink = sinks.get(db)
  if (!sink) {
    sink = db.dataDir
      ? SpanLog.open(path.join(db.dataDir, 'span-log'), (file, token) => loadFile(db, 'otel_traces', SPAN_COLUMNS, file, 'JSONEachRow', { insert_deduplication_token: token, ...READ_OBJECTS_AS_TEXT }))
      : new GroupWriter(db)
    sinks.set(db, sink)
  }
  return sink
}

/** Opens the span store at start: spans a previous process logged but did not load, load now. */
export function openSpans(db: Db): void {
  sinkFor(db)
}

/** Writes spans (OTLP requests and native step events alike); resolves once they are durable. */
export function writeSpans(db: Db, spans: SpanRecord[]): Promise<void> {
  if (spans.length === 0) return Promise.resolve()
  return sinkFor(db).write((out) => {
    for (const s of spans) out.push(spanRow(s))
  })
}

/** Every read of otel_traces waits for this: what was acknowledged is then in the table. */
export function settleSpans(db: Db): Promise<void> {
  return sinks.get(db)?.settle() ?? Promise.resolve()
}

/** Loads what is logged before the engine closes. */
export async function closeSpans(db: Db): Promise<void> {
  const sink = sinks.get(db)
  sinks.delete(db)
  await sink?.close()
}
