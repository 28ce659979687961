// Reading transactions: the list, one with its spans, workflow health, and the links between
// transactions and exceptions of the same entity.
import type { Db } from '../db/client.ts'
import { queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { chToIso, toChDateTime } from '../lib/time.ts'
import type { Native } from './any-value.ts'
import { settleSpans } from './store.ts'

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

type Row = Record<string, any>

/** DateTime64(9) text to ISO with nanoseconds cut to milliseconds. */
const iso = (s: string | null | undefined) => chToIso(s ?? null)

function toItem(r: Row) {
  const started = Date.parse(iso(r.started_at)!)
  const ended = Date.parse(iso(r.ended_at)!)
  return {
    trace_id: r.trace_id,
    workflow: r.workflow || null,
    entity_type: r.entity_type || null,
    entity_key: r.entity_key || null,
    status: r.failed ? 'failed' : 'ok',
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
  const rows = await queryRows<Row>(db, 'transactions.list', sqlFile('transactions/list.sql'), {
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

function eventsOf(s: Row) {
  const attributes = perItem(s.event_attributes_json, s.event_attributes)
  return (s.event_names as string[]).map((name, i) => ({ name, at: iso(s.event_times[i]), attributes: attributes[i] }))
}

function linksOf(s: Row) {
  const attributes = perItem(s.link_attributes_json, s.link_attributes)
  return (s.link_trace_ids as string[]).map((t, i) => ({
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
  const spans = await queryRows<Row>(db, 'transactions.spans', sqlFile('transactions/spans.sql'), { trace_id: traceId })
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
  const rows = await queryRows<Row>(db, 'transactions.health', sqlFile('transactions/health.sql'), {
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

/** Open exceptions of a transaction's entity. */
export async function openExceptionsFor(db: Db, entityType: string | null, entityKey: string | null) {
  if (!entityKey) return []
  return queryRows<Row>(
    db,
    'transactions.exceptions',
    `SELECT id, rule, entity_type, entity_key, status, severity, owner, toString(amount_at_risk) AS amount_at_risk
     FROM exception_state
     WHERE entity_key = {key:String} AND status != 'resolved' AND ({type:String} = '' OR entity_type = {type:String})
     ORDER BY rule`,
    { key: entityKey, type: entityType ?? '' },
    { join_use_nulls: 1 },
  )
}
