// Reading transactions: the list, one with its spans, workflow health, and the links between
// transactions and exceptions of the same entity.
import type { Db } from '../db/client.ts'
import { queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { chToIso, toChDateTime } from '../lib/time.ts'
import type { Native } from './any-value.ts'
import { settleSpans } from './store.ts'
import type { RuleName, Severity } from '../rules/catalog.ts'

export interface TransactionFilter {
  workflow?: string
  status?: 'ok' | 'failed'
  system?: string
  entity_key?: string
  entity_type?: string
  trace_id?: string
  from?: Date
  to?: Date
}

/** A row of transactions/list.sql (64-bit integers come as text: db/client.ts). */
interface TransactionRow {
  trace_id: string
  workflow: string
  entity_type: string
  entity_key: string
  failed: boolean | number
  systems: string[]
  started_at: string
  ended_at: string
  failed_step: string
  error_message: string
  spans: number | string
  attempt: number | string
}

/** A row of transactions/spans.sql: the OpenTelemetry columns, attributes as text maps and JSON. */
interface SpanRow {
  span_id: string
  parent_span_id: string
  name: string
  kind: string
  service: string
  started_at: string
  duration_ns: number | string
  status_code: string
  status_message: string
  attributes_text: Record<string, string>
  attributes_json: string
  resource_text: Record<string, string>
  resource_json: string
  scope_name: string
  scope_version: string
  trace_state: string
  event_times: string[]
  event_names: string[]
  event_attributes: Array<Record<string, string>>
  event_attributes_json: string
  link_trace_ids: string[]
  link_span_ids: string[]
  link_trace_states: string[]
  link_attributes: Array<Record<string, string>>
  link_attributes_json: string
}

/** DateTime64(9) text to ISO with nanoseconds cut to milliseconds. */
const iso = (s: string | null | undefined) => chToIso(s ?? null)

function toItem(r: TransactionRow) {
  const started = Date.parse(iso(r.started_at)!)
  const ended = Date.parse(iso(r.ended_at)!)
  return {
    trace_id: r.trace_id,
    workflow: r.workflow || null,
    entity_type: r.entity_type || null,
    entity_key: r.entity_key || null,
    status: r.failed ? ('failed' as const) : ('ok' as const),
    systems: r.systems,
    started_at: iso(r.started_at),
    duration_ms: Math.max(0, ended - started),
    failed_step: r.failed ? r.failed_step : null,
    error_message: r.failed ? r.error_message || null : null,
    attempt: Number(r.attempt),
    spans: Number(r.spans),
  }
}

export async function listTransactions(db: Db, f: TransactionFilter, limit: number, cursor: [string, string] | null) {
  await settleSpans(db)
  const rows = await queryRows<TransactionRow>(db, 'transactions.list', sqlFile('transactions/list.sql'), {
    workflow: f.workflow ?? '',
    status: f.status ?? '',
    system: f.system ?? '',
    entity_key: f.entity_key ?? '',
    entity_type: f.entity_type ?? '',
    trace_id: f.trace_id ?? '',
    has_from: Boolean(f.from),
    from: toChDateTime(f.from ?? new Date(0)),
    has_to: Boolean(f.to),
    to: toChDateTime(f.to ?? new Date(0)),
    has_cursor: Boolean(cursor),
    cursor_at: cursor?.[0] ?? '1970-01-01 00:00:00',
    cursor_id: cursor?.[1] ?? '',
    limit: limit + 1,
  })
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  return { items: page.map(toItem), next: rows.length > limit && last ? ([last.started_at, last.trace_id] as [string, string]) : null }
}

function parseJson<T>(text: string, fallback: T): T {
  if (!text) return fallback
  try {
    return JSON.parse(text)
  } catch {
    return fallback
  }
}

/** Typed attributes of each event / link (Crosswalk's ingest), else the exporter's text maps. */
function perItem(json: string, text: Array<Record<string, string>>): Array<Record<string, Native>> {
  const typed = parseJson<Array<Record<string, Native>> | null>(json, null)
  return Array.isArray(typed) && typed.length === text.length ? typed : text
}

function eventsOf(s: SpanRow) {
  const attributes = perItem(s.event_attributes_json, s.event_attributes)
  return s.event_names.map((name, i) => ({ name, at: iso(s.event_times[i]), attributes: attributes[i] }))
}

function linksOf(s: SpanRow) {
  const attributes = perItem(s.link_attributes_json, s.link_attributes)
  return s.link_trace_ids.map((t, i) => ({
    trace_id: t,
    span_id: s.link_span_ids[i],
    trace_state: s.link_trace_states[i] || null,
    attributes: attributes[i],
  }))
}

export async function getTransaction(db: Db, traceId: string) {
  const { items } = await listTransactions(db, { trace_id: traceId }, 1, null)
  if (!items[0]) return null
  await settleSpans(db)
  const spans = await queryRows<SpanRow>(db, 'transactions.spans', sqlFile('transactions/spans.sql'), { trace_id: traceId })
  const t0 = spans.length ? Date.parse(iso(spans[0].started_at)!) : 0
  return {
    ...items[0],
    spans: spans.map((s) => ({
      span_id: s.span_id,
      parent_span_id: s.parent_span_id || null,
      name: s.name,
      kind: s.kind,
      service: s.service,
      started_at: iso(s.started_at),
      offset_ms: Date.parse(iso(s.started_at)!) - t0,
      duration_ms: Number(s.duration_ns) / 1e6,
      status: s.status_code,
      status_message: s.status_message || null,
      attributes: parseJson<Record<string, Native>>(s.attributes_json, s.attributes_text),
      resource: parseJson<Record<string, Native>>(s.resource_json, s.resource_text),
      scope: { name: s.scope_name, version: s.scope_version },
      trace_state: s.trace_state || null,
      events: eventsOf(s),
      links: linksOf(s),
    })),
  }
}

/**
 * The instant a health window's answer changes if nothing is written: its first transaction
 * leaving (when `from` moves with the clock), or a later one entering (when `to` does).
 */
export async function healthChangesAt(db: Db, from: Date, to: Date, moving: { from: boolean; to: boolean }): Promise<number> {
  if (!moving.from && !moving.to) return Infinity
  const [r] = await queryRows<{ first_in: string | null; next_after: string | null }>(db, 'transactions.window_changes', sqlFile('transactions/window_changes.sql'), {
    from: toChDateTime(from),
    to: toChDateTime(to),
  })
  const ms = (t: string | null | undefined) => (t ? Date.parse(chToIso(t)!) : Infinity)
  const leaves = moving.from ? ms(r?.first_in) + (to.getTime() - from.getTime()) : Infinity
  return Math.min(leaves, moving.to ? ms(r?.next_after) : Infinity)
}

export async function workflowHealth(db: Db, by: 'workflow' | 'day' | 'workflow_day', from: Date, to: Date) {
  await settleSpans(db)
  const rows = await queryRows<{ workflow: string; day: string; transactions: string; failures: string; failure_rate: number; p50_ms: number; p95_ms: number }>(db, 'transactions.health', sqlFile('transactions/health.sql'), {
    by,
    from: toChDateTime(from),
    to: toChDateTime(to),
  })
  return rows.map((r) => ({
    workflow: r.workflow || null,
    day: r.day || null,
    transactions: Number(r.transactions),
    failed: Number(r.failures),
    failure_rate: Number(r.failure_rate),
    p50_ms: Number(r.p50_ms),
    p95_ms: Number(r.p95_ms),
  }))
}

/** An open (or acknowledged) exception of a transaction's entity; the amount as decimal text. */
export interface OpenException {
  id: string
  rule: RuleName
  entity_type: string
  entity_key: string
  status: 'open' | 'acknowledged'
  severity: Severity
  owner: string
  amount_at_risk: string
}

/** Open exceptions of a transaction's entity. */
export async function openExceptionsFor(db: Db, entityType: string | null, entityKey: string | null): Promise<OpenException[]> {
  if (!entityKey) return []
  return queryRows<OpenException>(
    db,
    'transactions.exceptions',
    sqlFile('transactions/open_exceptions.sql'),
    { key: entityKey, type: entityType ?? '' },
    { join_use_nulls: 1 },
  )
}
