// One span as a TabSeparated row of otel_traces, in the OpenTelemetry Collector exporter's
// conventions (hex ids, "Server"/"Error" enum names, attribute values as text in the Map
// columns), plus the typed values (of span, resource, event and link attributes) in the *JSON
// columns.
//
// TabSeparated rather than JSONEachRow: the engine parses it in about two thirds of the time
// (30,000 spans: ~215 ms against ~300–390 ms), and writing it here costs less too, since most
// text needs no escaping at all. This runs once per span on the ingest path.
import { toText, type Native } from './any-value.ts'
import type { SpanRecord } from './otlp.ts'

/** The columns of a row, in order. */
export const SPAN_COLUMNS = [
  'Timestamp', 'TraceId', 'SpanId', 'ParentSpanId', 'TraceState', 'SpanName', 'SpanKind', 'ServiceName',
  'ResourceAttributes', 'ResourceAttributesJSON', 'ScopeName', 'ScopeVersion', 'SpanAttributes', 'SpanAttributesJSON',
  'Duration', 'StatusCode', 'StatusMessage',
  'Events.Timestamp', 'Events.Name', 'Events.Attributes', 'EventsAttributesJSON',
  'Links.TraceId', 'Links.SpanId', 'Links.TraceState', 'Links.Attributes', 'LinksAttributesJSON',
] as const

/**
 * The latest time a span can have: Timestamp and Events.Timestamp are DateTime64(9), nanoseconds
 * since 1970 in a signed 64-bit integer. A later one fails its whole load (DECIMAL_OVERFLOW), so
 * it is rejected with its span at the door.
 */
export const LATEST_NS = 2n ** 63n - 1n
export const LATEST_TIME = '2262-04-11T23:47:16.854775807Z'

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

// The engine's escapes, the same for a TabSeparated field and for a quoted string inside a Map
// or an Array field (which are not escaped a second time).
const NEEDS_ESCAPE = /[\\'\t\n\r\0\b\f]/
const ESCAPABLE = /[\\'\t\n\r\0\b\f]/g
const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0', '\b': '\\b', '\f': '\\f' }

export function escape(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPABLE, (c) => ESCAPES[c]) : text
}

const quoted = (text: string) => `'${escape(text)}'`

/** A Map(String, String) field: each value as the exporter's text. */
function mapField(attrs: Record<string, Native>): string {
  let field = ''
  for (const k in attrs) field += `${field ? ',' : ''}${quoted(k)}:${quoted(toText(attrs[k]))}`
  return `{${field}}`
}

const arrayField = (items: string[]) => `[${items.join(',')}]`

let memoResource: Record<string, Native> | null = null
let memoResourceFields = ''

/** ServiceName … ResourceAttributesJSON, shared by all the spans of a resource: made once for them. */
function resourceFields(s: SpanRecord): string {
  if (s.resourceAttributes !== memoResource) {
    memoResourceFields = `${escape(s.serviceName)}\t${mapField(s.resourceAttributes)}\t${escape(JSON.stringify(s.resourceAttributes))}`
    memoResource = s.resourceAttributes
  }
  return memoResourceFields
}

const NO_EVENTS = '[]\t[]\t[]\t'
const NO_LINKS = '[]\t[]\t[]\t[]\t'

export function spanRow(s: SpanRecord): string {
  const events = s.events.length
    ? `${arrayField(s.events.map((e) => quoted(nsToCh(e.timeNs))))}\t${arrayField(s.events.map((e) => quoted(e.name)))}\t` +
      `${arrayField(s.events.map((e) => mapField(e.attributes)))}\t${escape(JSON.stringify(s.events.map((e) => e.attributes)))}`
    : NO_EVENTS
  const links = s.links.length
    ? `${arrayField(s.links.map((l) => quoted(l.traceId)))}\t${arrayField(s.links.map((l) => quoted(l.spanId)))}\t` +
      `${arrayField(s.links.map((l) => quoted(l.traceState)))}\t${arrayField(s.links.map((l) => mapField(l.attributes)))}\t` +
      `${escape(JSON.stringify(s.links.map((l) => l.attributes)))}`
    : NO_LINKS
  return (
    `${nsToCh(s.startNs)}\t${s.traceId}\t${s.spanId}\t${s.parentSpanId}\t${escape(s.traceState)}\t${escape(s.name)}\t${s.kind}\t` +
    `${resourceFields(s)}\t${escape(s.scopeName)}\t${escape(s.scopeVersion)}\t` +
    `${mapField(s.attributes)}\t${escape(s.attributesJson ?? JSON.stringify(s.attributes))}\t` +
    `${s.endNs - s.startNs}\t${s.statusCode}\t${escape(s.statusMessage)}\t${events}\t${links}`
  )
}
