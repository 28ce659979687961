// What a digest says, computed with the same functions the API answers with (the exception
// list and summary of server/exceptions/repository.ts, computeKpi), so a digest's numbers are
// the dashboard's for the same as_of.
import type { Db } from '../../db/client.ts'
import { addDecimals } from '../../lib/decimal.ts'
import { listExceptions, summarize, weekly, type ExceptionFilter } from '../../exceptions/repository.ts'
import { computeKpi } from '../../kpis/compute.ts'
import { KPIS, KPI_NAMES, type KpiName } from '../../kpis/catalog.ts'

export type Item = Awaited<ReturnType<typeof listExceptions>>['items'][number]

/** An item's money at risk in the reporting currency (its own amount until exceptions carry one). */
export function reportingAmount(i: Item): string | null {
  const r = (i as { amount_at_risk_reporting?: { text: string } | null }).amount_at_risk_reporting
  return r === undefined ? i.amount_at_risk.text : (r?.text ?? null)
}

export const negate = (d: string) => (d.startsWith('-') ? d.slice(1) : `-${d}`)
export const subtract = (a: string, b: string) => addDecimals(a, negate(b))

export interface Tally {
  count: number
  /** Exact decimal text, reporting currency. */
  amount: string
}

export interface OwnerDigest {
  owner: string
  as_of: string
  /** New means first detected after this (the previous digest, or one period back). */
  since: string
  open: Tally
  overdue: Tally
  new: Tally
  /** Against the previous digest; null for the first. */
  change: { count: number; amount: string } | null
  top: Item[]
}

const tallyOf = (rows: Awaited<ReturnType<typeof summarize>>, group: string): Tally => {
  const r = rows.find((x) => x.group === group)
  return { count: r?.count ?? 0, amount: r?.amount_at_risk.text ?? '0' }
}

/** The open, overdue and new exceptions of one owner, and its ten largest. */
export async function ownerDigest(db: Db, owner: string, asOf: Date, since: Date, previous: Tally | null): Promise<OwnerDigest> {
  const f: ExceptionFilter = { owner: [owner] }
  const byOwner = await summarize(db, 'owner', f, asOf)
  const byOverdue = await summarize(db, 'overdue', f, asOf)
  const top = (await listExceptions(db, f, { sort: 'amount_at_risk', desc: true, limit: 10, now: asOf })).items
  const open = tallyOf(byOwner, owner)
  return {
    owner,
    as_of: asOf.toISOString(),
    since: since.toISOString(),
    open,
    overdue: tallyOf(byOverdue, 'overdue'),
    new: await newSince(db, f, asOf, since),
    change: previous ? { count: open.count - previous.count, amount: subtract(open.amount, previous.amount) } : null,
    top,
  }
}

/** Exceptions first detected after `since`: newest first, page by page until an older one. */
async function newSince(db: Db, f: ExceptionFilter, asOf: Date, since: Date): Promise<Tally> {
  const t: Tally = { count: 0, amount: '0' }
  let cursor: [number, string] | null = null
  for (;;) {
    const page: Awaited<ReturnType<typeof listExceptions>> = await listExceptions(db, f, { sort: 'first_detected_at', desc: true, limit: 1000, cursor, now: asOf })
    for (const i of page.items) {
      if (Date.parse(i.first_detected_at) <= since.getTime()) return t
      t.count++
      t.amount = addDecimals(t.amount, reportingAmount(i) ?? '0')
    }
    if (!page.next) return t
    cursor = page.next
  }
}

export interface KpiLine {
  name: KpiName
  title: string
  unit: string
  value: number | null
  previous: number | null
  change: number | null
  coverage: number
  fx_coverage: number | null
  from: string | null
  to: string | null
}

export interface ExecutiveDigest {
  as_of: string
  from: string
  to: string
  kpis: KpiLine[]
  largest: Item[]
  by_rule: Array<{ rule: string; amount: number }>
  weeks: Array<{ week: string; opened: number; resolved: number }>
}

const day = (d: Date) => d.toISOString().slice(0, 10)
const num = (v: unknown) => (v === null || v === undefined ? null : Number(typeof v === 'object' ? (v as { text: string }).text : v))

/**
 * Every KPI over the last seven days (period KPIs) or at as_of (positions), each against the
 * seven days before; the five largest exceptions; money at risk by rule; the last eight weeks.
 */
export async function executiveDigest(db: Db, asOf: Date, reporting: string): Promise<ExecutiveDigest> {
  const week = 7 * 86_400_000
  const to = day(new Date(asOf.getTime() - 86_400_000))
  const from = day(new Date(asOf.getTime() - week))
  const prevAsOf = new Date(asOf.getTime() - week)
  const kpis: KpiLine[] = []
  for (const name of KPI_NAMES) {
    const now = await computeKpi(db, name, { from, to, asOf, reporting })
    const before = await computeKpi(db, name, { from: day(new Date(asOf.getTime() - 2 * week)), to: day(new Date(prevAsOf.getTime() - 86_400_000)), asOf: prevAsOf, reporting })
    const value = num(now.value)
    const previous = num(before.value)
    kpis.push({
      name, title: KPIS[name].title, unit: KPIS[name].unit, value, previous,
      change: value === null || previous === null ? null : value - previous,
      coverage: Number(now.coverage), fx_coverage: now.fx_coverage === undefined ? null : Number(now.fx_coverage),
      from: KPIS[name].period ? from : null, to: KPIS[name].period ? to : null,
    })
  }
  const largest = (await listExceptions(db, {}, { sort: 'amount_at_risk', desc: true, limit: 5, now: asOf })).items
  const by_rule = (await summarize(db, 'rule', {}, asOf)).map((r) => ({ rule: r.group, amount: Number(r.amount_at_risk.text) }))
  return { as_of: asOf.toISOString(), from, to, kpis, largest, by_rule, weeks: await weekly(db, 8, asOf) }
}

export interface SubscriptionDigest {
  count: number
  amount: string
  items: Item[]
}

/** Every exception a saved view matches at as_of, in the view's order. */
export async function viewDigest(db: Db, f: ExceptionFilter, sort: { sort: Parameters<typeof listExceptions>[2]['sort']; desc: boolean }, asOf: Date, max = 10_000): Promise<SubscriptionDigest> {
  const { items } = await listExceptions(db, f, { ...sort, limit: max, now: asOf })
  return { count: items.length, amount: items.reduce((s, i) => addDecimals(s, reportingAmount(i) ?? '0'), '0'), items }
}
