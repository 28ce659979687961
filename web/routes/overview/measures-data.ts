// What the margin, forecast and bench cards read: the KPI answers (with the margin target), the
// planned vs actual weeks, and the records behind a number (drill-downs and the bench list).
import { forecastWeekly, kpi, kpiRecords, type ForecastWeeklyQuery, type KpiAnswer, type KpiName, type KpiRecord, type KpiRecordsQuery } from '../../lib/endpoints.ts'
import { endOfDay, type DateRange } from '../../lib/periods.ts'

export interface OverviewQuery {
  range: DateRange
  asOf: Date
  live: boolean
}

/** [from, to] and as_of (left out when live, so the URLs are the same all day and cache). */
export const periodOf = (q: OverviewQuery) => ({ from: q.range.from, to: q.range.to, as_of: q.live ? undefined : q.asOf.toISOString() })

/** A position (bench) at the end of the period, or at as_of if earlier; undefined for now. */
export function instantOf(q: OverviewQuery): string | undefined {
  const end = endOfDay(q.range.to)
  const at = q.asOf.toISOString()
  return end < at ? end : q.live ? undefined : at
}

/** The margin target the server sends with gross_margin (config `targets`), if any. */
export const targetOf = (a: KpiAnswer | undefined): number | null => {
  const t = a?.target
  return typeof t === 'number' && Number.isFinite(t) ? t : null
}

export const measure = (name: KpiName, by: string, q: { from?: string; to?: string; as_of?: string }) => kpi(name, { ...q, by })

/** What a click drills into: the records of one group of one breakdown. */
export interface Drill {
  name: KpiName
  by: string
  group: string
  /** Shown in the drawer's title. */
  label: string
}

/** The records query of a drill-down: the KPI's own period (bench: its instant). */
export function recordsQuery(d: Drill, q: OverviewQuery, cursor?: string, limit?: number): KpiRecordsQuery {
  const base = d.name === 'bench_capacity' ? { as_of: instantOf(q) } : periodOf(q)
  return { ...base, ...(d.group || d.by ? { by: d.by, group: d.group } : {}), cursor, limit }
}

export const records = (d: Drill, q: OverviewQuery, cursor?: string, limit?: number) => kpiRecords(d.name, recordsQuery(d, q, cursor, limit))

const free = (r: KpiRecord) => ('free_hours' in r ? r.free_hours : 0)

/** Everyone with free hours in the next four weeks, most free first. */
export const benchPeople = (q: OverviewQuery, cursor?: string) =>
  records({ name: 'bench_capacity', by: '', group: '', label: '' }, q, cursor, 1000).then((a) => ({
    ...a,
    items: a.items.filter((r) => free(r) > 0).sort((x, y) => free(y) - free(x)),
  }))

/** The weekly planned vs actual hours of one practice or project ("practice:X" / "project:Y"). */
export function weeklyQuery(choice: string, q: OverviewQuery): ForecastWeeklyQuery {
  const [kind, ...rest] = choice.split(':')
  const value = rest.join(':')
  return { ...periodOf(q), ...(kind === 'project' ? { project: value } : { practice: value }) }
}

export const weekly = (choice: string, q: OverviewQuery) => forecastWeekly(weeklyQuery(choice, q))
