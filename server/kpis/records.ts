// The records behind a KPI's number (sql/kpis/records/<name>.sql), a page at a time in key
// order, and forecast accuracy's planned and actual hours per ISO week (sql/kpis/weekly/).
import type { Db } from '../db/client.ts'
import { queryRows } from '../db/query.ts'
import { sqlAsOf, type PathOptions } from '../derived/index.ts'
import { dec, type Decimal } from '../lib/json.ts'
import { toChDateTime } from '../lib/time.ts'
import type { KpiName } from './catalog.ts'

/** The KPIs whose records can be listed. */
export const RECORD_KPIS = ['utilization', 'gross_margin', 'forecast_accuracy', 'bench_capacity'] as const satisfies readonly KpiName[]
export type RecordKpi = (typeof RECORD_KPIS)[number]

export interface RecordQuery extends PathOptions {
  from: string
  to: string
  asOf: Date
  /** With `group`: keep the records of that one row of the KPI by `by`. */
  by?: string
  group?: string
  limit: number
  /** The key of the previous page's last record. */
  after?: string
  reporting?: string
}

type Raw = Record<string, unknown>

const decimals = (r: Raw, names: string[]) => Object.fromEntries(names.map((n) => [n, dec(r[n])]))

/** Each KPI's record as the API answers it: exact decimals, ISO weeks as objects. */
const SHAPE: Record<RecordKpi, (r: Raw) => Record<string, unknown>> = {
  utilization: (r) => ({
    key: r.key, resource: r.resource, practice: r.practice, region: r.region, project: r.project, work_date: r.work_date,
    hours: dec(r.hours), reconciled: Boolean(r.reconciled),
  }),
  gross_margin: (r) => ({
    key: r.key, project: r.project, practice: r.practice, resource: r.resource, work_date: r.work_date,
    ...decimals(r, ['hours', 'revenue', 'cost']),
    currency: r.currency, cost_currency: r.cost_currency,
    ...decimals(r, ['revenue_reporting', 'cost_reporting']),
    converted: Boolean(r.converted),
  }),
  forecast_accuracy: (r) => ({
    key: r.key, project: r.project, resource: r.resource, practice: r.practice,
    ...decimals(r, ['planned', 'actual', 'abs_error']),
  }),
  bench_capacity: (r) => ({
    key: r.key, name: r.name, practice: r.practice,
    ...decimals(r, ['free_hours', 'capacity']),
    weeks: (r.weeks as Array<[string, string]>).map(([week, free]) => ({ week, free_hours: dec(free) })),
  }),
}

/** One page of `limit` records (and whether more follow) of a KPI as of q.asOf. */
export async function kpiRecords(db: Db, name: RecordKpi, q: RecordQuery) {
  const asOf = toChDateTime(q.asOf)
  const rows = await queryRows<Raw>(
    db,
    `kpis.records.${name}`,
    await sqlAsOf(db, `kpis/records/${name}`, asOf, q),
    {
      as_of: asOf, from: q.from, to: q.to, reporting: q.reporting ?? 'USD',
      by: q.group === undefined ? '' : (q.by ?? ''), group: q.group === undefined ? '' : q.group,
      after: q.after ?? '', limit: q.limit + 1,
    },
    { join_use_nulls: 1 },
  )
  const page = rows.slice(0, q.limit).map(SHAPE[name])
  return { items: page, last: rows.length > q.limit ? String(page.at(-1)!.key) : null }
}

export interface WeekRow {
  week: string
  planned: Decimal
  actual: Decimal
}

/** Planned and actual hours per ISO week of [from, to], every week present (zero when empty). */
export async function forecastWeekly(db: Db, q: { from: string; to: string; asOf: Date; practice?: string; project?: string } & PathOptions) {
  const asOf = toChDateTime(q.asOf)
  const rows = await queryRows<{ week: string; planned: string; actual: string }>(
    db,
    'kpis.weekly.forecast_accuracy',
    await sqlAsOf(db, 'kpis/weekly/forecast_accuracy', asOf, q),
    { as_of: asOf, from: q.from, to: q.to, by: 'week', practice: q.practice ?? '', project: q.project ?? '' },
    { join_use_nulls: 1 },
  )
  const found = new Map(rows.map((r) => [r.week, r]))
  return isoWeeks(q.from, q.to).map((week): WeekRow => {
    const r = found.get(week)
    return { week, planned: dec(r?.planned ?? '0')!, actual: dec(r?.actual ?? '0')! }
  })
}

/** The ISO weeks (2026-W26) that [from, to] touches, in order. */
export function isoWeeks(from: string, to: string): string[] {
  const day = 86_400_000
  const start = Date.parse(`${from}T00:00:00Z`)
  const monday = start - ((new Date(start).getUTCDay() + 6) % 7) * day
  const out: string[] = []
  for (let t = monday; t <= Date.parse(`${to}T00:00:00Z`); t += 7 * day) out.push(isoWeek(new Date(t)))
  return out
}

function isoWeek(monday: Date): string {
  // The ISO year and week are those of the week's Thursday.
  const thursday = new Date(monday.getTime() + 3 * 86_400_000)
  const year = thursday.getUTCFullYear()
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1
  return `${year}-W${String(week).padStart(2, '0')}`
}
