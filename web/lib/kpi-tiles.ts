// What each overview tile asks the KPI API for, and how answers become a tile: the value for the
// period, the previous period's, and six monthly points. Period KPIs (the catalogue's `period`)
// are computed over [from, to]; the others are positions read as of an instant. Titles, units,
// definitions and dimensions are the server's catalogue. The request plan is pure and tested.
import { COVERAGE_TEXT, KPIS, KPI_NAMES } from '../../server/kpis/catalog.ts'
import type { KpiAnswer, KpiName, KpiQuery } from './endpoints.ts'
import { formatHours, formatMoney, formatNumber } from './format.ts'
import { noteKpiAnswer } from './fx.ts'
import { endOfDay, monthsBack, previousRange, sparklineInstants, type DateRange } from './periods.ts'

export interface TileDef {
  name: KpiName
  /** Whether a rise is good news (colours the change). */
  goodWhenUp: boolean
  pointInTime: boolean
}

/** How each KPI reads: a rise is good news or bad (a KPI the server adds must be placed here). */
const GOOD_WHEN_UP: Record<KpiName, boolean> = {
  utilization: true,
  unbilled_wip: false,
  backlog: true,
  billing_cycle_days: false,
  pipeline_to_project_hours: false,
  realization: true,
  money_at_risk: false,
  gross_margin: true,
  forecast_accuracy: true,
  bench_capacity: false,
}

/** One tile per KPI, in the catalogue's order. */
export const TILES: TileDef[] = KPI_NAMES.map((name) => ({ name, goodWhenUp: GOOD_WHEN_UP[name], pointInTime: !KPIS[name].period }))

/** A KPI's catalogue entry: title, unit, definition, dimensions, and what coverage means. */
export const kpiDef = (name: KpiName) => ({ name, ...KPIS[name], coverage: COVERAGE_TEXT })
export type CatalogEntry = ReturnType<typeof kpiDef>
export const isKpiName = (s: string | undefined): s is KpiName => s !== undefined && s in KPIS

/**
 * The breakdown the overview charts next to a tile: asked for with the tile's own value (every
 * answer carries the total), so one query fills both.
 */
export const TILE_BY: Partial<Record<KpiName, string>> = { utilization: 'practice', unbilled_wip: 'age' }

/** The six months ending with the month of `to`, each [first day, last day], the last cut at `to`. */
export function monthRanges(to: string, n = 6): DateRange[] {
  return monthList(to, n).map((from) => {
    const last = new Date(Date.UTC(Number(from.slice(0, 4)), Number(from.slice(5, 7)), 0)).toISOString().slice(0, 10)
    return { from, to: last < to ? last : to }
  })
}

export interface TilePlan {
  current: KpiQuery
  previous: KpiQuery
  /** One query with by=month (period KPIs), one per month (period KPIs without a month
   *  breakdown) or one per instant (point-in-time KPIs). */
  spark: KpiQuery[]
  months: string[]
  changeLabel: string
}

/** "Jan 1" for a period start. */
const shortDate = (d: string, locale: string) => new Date(`${d}T00:00:00Z`).toLocaleDateString(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' })

/** The first days of the n months ending with the month of `to`. */
export function monthList(to: string, n = 6): string[] {
  const first = monthsBack(to, n)
  const y = Number(first.slice(0, 4))
  const m = Number(first.slice(5, 7)) - 1
  return Array.from({ length: n }, (_, i) => new Date(Date.UTC(y, m + i, 1)).toISOString().slice(0, 10))
}

/**
 * What to ask for one tile. `live` (no as_of picked) leaves as_of out where it would be "now",
 * so the same view always asks the same URLs (cacheable, and fetched before the page's code
 * has loaded; see prefetch.ts).
 */
export function planTile(def: TileDef, range: DateRange, asOf: Date, locale = 'en-US', live = false): TilePlan {
  const asOfIso = asOf.toISOString()
  const at = live ? undefined : asOfIso
  const prev = previousRange(range)
  if (!def.pointInTime) {
    return {
      current: { from: range.from, to: range.to, as_of: at, by: TILE_BY[def.name] },
      previous: { from: prev.from, to: prev.to, as_of: at },
      // One by=month query where the KPI breaks down by month; else one query per month.
      spark: KPIS[def.name].dims.includes('month') ? [{ by: 'month', from: monthsBack(range.to, 6), to: range.to, as_of: at }] : monthRanges(range.to).map((m) => ({ ...m, as_of: at })),
      months: monthList(range.to),
      changeLabel: 'vs previous',
    }
  }
  // A point-in-time KPI at the end of the period (or as_of, if earlier), compared with its
  // value when the period began.
  const endsEarlier = endOfDay(range.to) < asOfIso
  const end = endsEarlier ? new Date(endOfDay(range.to)) : asOf
  const before = new Date(Date.parse(`${range.from}T00:00:00Z`) - 1).toISOString()
  const instants = sparklineInstants(end)
  return {
    current: live && !endsEarlier ? { by: TILE_BY[def.name] } : { as_of: end.toISOString(), by: TILE_BY[def.name] },
    previous: { as_of: before },
    spark: instants.slice(0, -1).map((as_of) => ({ as_of })),
    months: instants.map((t) => `${t.slice(0, 7)}-01`),
    changeLabel: `since ${shortDate(range.from, locale)}`,
  }
}

/** Six monthly values from a by=month answer, null where a month has no row. */
export function monthlySeries(a: KpiAnswer, months: string[]): Array<number | null> {
  const by = new Map(a.rows.map((r) => [r.group.slice(0, 7), r.value]))
  return months.map((m) => by.get(m.slice(0, 7)) ?? null)
}

/** The small print under a tile's value, from the tile's own answer (whose fx coverage the tile's note tells: lib/fx.ts). */
export function tileDetail(a: KpiAnswer, locale: string, currency: string): string | undefined {
  noteKpiAnswer(a)
  switch (a.kpi) {
    case 'utilization':
      return a.numerator != null && a.denominator != null ? `${formatNumber(a.numerator, locale)} of ${formatNumber(a.denominator, locale)} capacity h` : undefined
    case 'billing_cycle_days':
      return a.denominator != null ? `${formatNumber(a.denominator, locale)} invoices` : undefined
    case 'pipeline_to_project_hours':
      return a.n != null ? `median of ${formatNumber(a.n, locale)} deals · p90 ${formatHours(a.p90 ?? null, locale)}` : undefined
    case 'realization':
      return a.numerator != null && a.denominator != null ? `${formatMoney(a.numerator, currency, locale, true)} billed of ${formatMoney(a.denominator, currency, locale, true)}` : undefined
    case 'gross_margin':
      return a.numerator != null && a.denominator != null ? `${formatMoney(a.numerator, currency, locale, true)} margin on ${formatMoney(a.denominator, currency, locale, true)}` : undefined
    case 'forecast_accuracy':
      return a.numerator != null && a.denominator != null ? `${formatNumber(a.numerator, locale)} h off plan of ${formatNumber(a.denominator, locale)} h` : undefined
    case 'bench_capacity':
      return a.numerator != null && a.denominator != null ? `${formatNumber(a.numerator, locale)} of ${formatNumber(a.denominator, locale)} h free, next 4 weeks` : undefined
    default:
      return undefined
  }
}

