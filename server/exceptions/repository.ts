// Reading exceptions: the filtered list, one with its history, dashboard summaries.
import type { Db } from '../db/client.ts'
import { queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { chToIso, toChDateTime } from '../lib/time.ts'
import { dec, type Decimal } from '../lib/json.ts'
import type { RuleName, Severity } from '../rules/catalog.ts'

export const SORTS = ['amount_at_risk', 'first_detected_at', 'due_at', 'last_detected_at', 'updated_at'] as const

export interface ExceptionFilter {
  status?: string[]
  rule?: string[]
  owner?: string[]
  severity?: string[]
  system?: string[]
  practice?: string[]
  region?: string[]
  entity_type?: string[]
  entity_key?: string
  ids?: string[]
  q?: string
  overdue?: boolean
  /** Snoozed ones only (true), not snoozed (false, the default), or either ('any'). */
  snoozed?: boolean | 'any'
}

export interface ListOptions {
  /** The time overdue is judged at (default: now). */
  now?: Date
  sort: (typeof SORTS)[number]
  desc: boolean
  limit: number
  cursor?: [number, string] | null
}

/** The workflow's events (exception_events.type): by detection runs and by people. */
export const EVENT_TYPES = ['opened', 'reopened', 'auto_resolved', 'assigned', 'acknowledged', 'commented', 'resolved', 'reopen', 'snoozed', 'unsnoozed'] as const

/** A row of exception_state (as list.sql reads it), typed as the view defines it. */
interface Row {
  id: string
  rule: RuleName
  entity_type: string
  entity_key: string
  systems: string[]
  severity: Severity
  owner: string
  status: 'open' | 'acknowledged' | 'resolved'
  resolution: 'manual' | 'auto' | null
  amount_at_risk: string
  currency: string
  amount_at_risk_reporting: string | null
  reporting_currency: string
  practice: string | null
  region: string | null
  details: string
  first_detected_at: string
  last_detected_at: string
  due_at: string | null
  overdue: boolean | number
  updated_at: string
  resolved_at: string | null
  snoozed_until: string | null
  sort_key: number
}

/** What a rule's details hold: JSON values, per system. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json }

/** A decimal column that is never null (a string is never null to dec()). */
const money = (v: string) => dec(v) as Decimal
/** A DateTime column that is never null. */
const iso = (s: string) => chToIso(s) as string

export function filterParams(f: ExceptionFilter, now = new Date()) {
  return {
    status: f.status ?? ['open', 'acknowledged'],
    rule: f.rule ?? [],
    owner: f.owner ?? [],
    severity: f.severity ?? [],
    system: f.system ?? [],
    practice: f.practice ?? [],
    region: f.region ?? [],
    entity_type: f.entity_type ?? [],
    ids: f.ids ?? [],
    entity_key: f.entity_key ?? '',
    q: f.q ?? '',
    overdue: f.overdue === undefined ? '' : String(f.overdue),
    snoozed: String(f.snoozed ?? false),
    now: toChDateTime(now),
  }
}

export function toItem(r: Row) {
  return {
    id: r.id,
    rule: r.rule,
    entity_type: r.entity_type,
    entity_key: r.entity_key,
    systems: r.systems,
    severity: r.severity,
    owner: r.owner,
    status: r.status,
    resolution: r.resolution ?? null,
    amount_at_risk: money(r.amount_at_risk),
    currency: r.currency,
    amount_at_risk_reporting: dec(r.amount_at_risk_reporting),
    reporting_currency: r.reporting_currency,
    practice: r.practice ?? null,
    region: r.region ?? null,
    first_detected_at: iso(r.first_detected_at),
    last_detected_at: iso(r.last_detected_at),
    due_at: chToIso(r.due_at),
    overdue: Boolean(r.overdue),
    updated_at: iso(r.updated_at),
    resolved_at: chToIso(r.resolved_at),
    snoozed_until: chToIso(r.snoozed_until ?? null),
    details: JSON.parse(r.details || '{}') as Record<string, Record<string, Json>>,
  }
}

export async function listExceptions(db: Db, f: ExceptionFilter, o: ListOptions) {
  const rows = await queryRows<Row>(
    db,
    'exceptions.list',
    sqlFile('exceptions/list.sql'),
    {
      ...filterParams(f, o.now),
      sort_by: o.sort,
      desc: o.desc,
      limit: o.limit + 1,
      has_cursor: Boolean(o.cursor),
      // As text: the key of a row with no reporting amount is 1e300, an integer-valued number
      // beyond 2^53 that the embedded engine's binder refuses; Float64 reads it back exactly.
      cursor_key: String(o.cursor?.[0] ?? 0),
      cursor_id: o.cursor?.[1] ?? '',
    },
    { join_use_nulls: 1 },
  )
  const page = rows.slice(0, o.limit)
  const last = page[page.length - 1]
  return {
    items: page.map(toItem),
    next: rows.length > o.limit && last ? ([Number(last.sort_key), last.id] as [number, string]) : null,
  }
}

/** Every id matching a filter (for bulk actions on "the current filter"). */
export async function matchingIds(db: Db, f: ExceptionFilter, max = 100_000, now = new Date()): Promise<string[]> {
  const { items } = await listExceptions(db, f, { sort: 'updated_at', desc: false, limit: max, now })
  return items.map((i) => i.id)
}

export async function getException(db: Db, id: string, now = new Date()) {
  const { items } = await listExceptions(db, { ids: [id], status: [], snoozed: 'any' }, { sort: 'updated_at', desc: false, limit: 1, now })
  if (!items[0]) return null
  const events = await queryRows<{ id: string; at: string; type: (typeof EVENT_TYPES)[number]; actor: string; note: string; owner: string; run_id: string; due_at: string | null; snoozed_until: string | null }>(
    db,
    'exceptions.history',
    sqlFile('exceptions/history.sql'),
    { id },
  )
  return {
    ...items[0],
    history: events.map((e) => ({
      id: e.id,
      at: iso(e.at),
      type: e.type,
      actor: e.actor,
      note: e.note || null,
      owner: e.owner || null,
      run_id: e.run_id || null,
      due_at: chToIso(e.due_at),
      snoozed_until: chToIso(e.snoozed_until),
    })),
  }
}

export const SUMMARY_DIMENSIONS = ['rule', 'owner', 'severity', 'status', 'practice', 'region', 'age', 'overdue'] as const

/** Money is summed in `reporting`, the reporting currency (CONTRACT §5 Currency). */
export async function summarize(db: Db, by: (typeof SUMMARY_DIMENSIONS)[number], f: ExceptionFilter, now = new Date(), reporting = 'USD') {
  const p = filterParams(f, now)
  const rows = await queryRows<{ grp: string; count: string; total_amount: string; overdue_count: string }>(
    db,
    'exceptions.summary',
    sqlFile('exceptions/summary.sql'),
    { by, reporting, now: p.now, status: p.status, rule: p.rule, owner: p.owner, severity: p.severity, snoozed: p.snoozed },
    { join_use_nulls: 1 },
  )
  return rows.map((r) => ({ group: r.grp, count: Number(r.count), amount_at_risk: money(r.total_amount), overdue: Number(r.overdue_count) }))
}

/** Opened and resolved per week over the last `weeks` weeks (Monday, UTC), every week listed. */
export async function weekly(db: Db, weeks: number, now: Date) {
  const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - ((now.getUTCDay() + 6) % 7)))
  const first = new Date(monday.getTime() - (weeks - 1) * 7 * 86_400_000)
  const rows = await queryRows<{ week: string; opened: string; resolved: string }>(db, 'exceptions.weekly', sqlFile('exceptions/weekly.sql'), { from: toChDateTime(first) })
  const byWeek = new Map(rows.map((r) => [r.week, r]))
  return Array.from({ length: weeks }, (_, i) => {
    const week = new Date(first.getTime() + i * 7 * 86_400_000).toISOString().slice(0, 10)
    const r = byWeek.get(week)
    return { week, opened: Number(r?.opened ?? 0), resolved: Number(r?.resolved ?? 0) }
  })
}

/** Money at risk at each instant: exceptions first detected by then and not yet resolved. */
export async function moneyAtRiskAt(db: Db, instants: Date[], reporting = 'USD') {
  if (!instants.length) return []
  const rows = await queryRows<{ at: string; amount: string }>(db, 'exceptions.money_at_risk_at', sqlFile('exceptions/money_at_risk_at.sql'), {
    ats: instants.map(toChDateTime),
    reporting,
  })
  return rows.map((r) => ({ at: iso(r.at), amount_at_risk: money(r.amount) }))
}
