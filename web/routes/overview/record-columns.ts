// The columns of a drill-down table, read off the records themselves (time entries for margin,
// assignments for forecast accuracy, people for the bench), so a field the server adds shows up
// without a change here. Pure: the drawer renders what this returns.
import { formatMoney, formatNumber, formatPercent, humanize } from '../../lib/format.ts'
import type { Fmt } from '../../lib/charts/palette.ts'

export type RecordRow = Record<string, unknown>
export type CellKind = 'text' | 'hours' | 'money' | 'ratio' | 'number'

export interface RecordColumn {
  id: string
  header: string
  kind: CellKind
  get: (r: RecordRow) => unknown
}

/** Which fields read as hours, money or shares, by name. */
export function kindOf(field: string, sample: unknown): CellKind {
  if (typeof sample !== 'number' && !(typeof sample === 'string' && /^-?\d+(\.\d+)?$/.test(sample) && !/key|id$/.test(field))) return 'text'
  if (/hours|^planned|^actual|^free|^capacity|error$|^variance|^diff/.test(field)) return 'hours'
  if (/amount|revenue|cost|rate$|margin$|^margin_amount/.test(field)) return 'money'
  if (/share|ratio|accuracy|pct/.test(field)) return 'ratio'
  return 'number'
}

interface WeekCell {
  week: string
  [k: string]: unknown
}
const isWeeks = (v: unknown): v is WeekCell[] => Array.isArray(v) && v.every((w) => typeof w === 'object' && w !== null && typeof (w as WeekCell).week === 'string')
/** The number of a per-week cell: its first numeric field (free hours, for the bench). */
const weekValue = (w: WeekCell | undefined) => (w ? Object.entries(w).find(([k, v]) => k !== 'week' && (typeof v === 'number' || typeof v === 'string'))?.[1] : undefined)

/** Which fields a drill-down leaves out or names otherwise. */
export interface RecordView {
  hide?: readonly string[]
  labels?: Readonly<Record<string, string>>
}

/** Per KPI: gross margin shows amounts in the reporting currency only (the record's own are in mixed currencies). */
export const RECORD_VIEWS: Record<string, RecordView> = {
  gross_margin: { hide: ['revenue', 'cost', 'currency', 'cost_currency'], labels: { revenue_reporting: 'Revenue', cost_reporting: 'Cost' } },
  forecast_accuracy: { labels: { abs_error: 'Off plan' } },
  bench_capacity: { hide: ['key'], labels: { free_hours: 'Free', capacity: 'Capacity' } },
  /** The bench list on the overview: narrower (capacity is in the drill-down). */
  bench_list: { hide: ['key', 'capacity'], labels: { free_hours: 'Free' } },
}

/** Columns for these records: every scalar field in the first record's order, a per-week list as one column per week. */
export function recordColumns(items: RecordRow[], view: RecordView = {}): RecordColumn[] {
  const hide = view.hide ?? []
  const first = items[0]
  if (!first) return []
  const cols: RecordColumn[] = []
  for (const [field, v] of Object.entries(first)) {
    if (hide.includes(field)) continue
    if (isWeeks(v)) {
      const weeks = [...new Set(items.flatMap((r) => (isWeeks(r[field]) ? (r[field] as WeekCell[]).map((w) => w.week) : [])))].sort()
      for (const week of weeks)
        cols.push({ id: `${field}.${week}`, header: week.replace(/^\d{4}-/, ''), kind: 'hours', get: (r) => weekValue((r[field] as WeekCell[] | undefined)?.find((w) => w.week === week)) })
      continue
    }
    if (v !== null && typeof v === 'object') continue
    const sample = items.find((r) => r[field] !== null && r[field] !== undefined)?.[field]
    cols.push({ id: field, header: view.labels?.[field] ?? humanize(field.replace(/_key$/, '')), kind: kindOf(field, sample), get: (r) => r[field] })
  }
  return cols
}

/** A cell as text: hours to the quarter (compact: whole, no unit), money in the reporting currency, shares in %. */
export function formatCell(kind: CellKind, v: unknown, fmt: Fmt, compact = false): string {
  if (v === null || v === undefined || v === '') return '—'
  if (kind === 'text') return typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)
  const n = Number(v)
  if (!Number.isFinite(n)) return String(v)
  if (kind === 'hours') return compact ? formatNumber(n, fmt.locale, 0) : `${formatNumber(n, fmt.locale, 2)} h`
  if (kind === 'money') return formatMoney(n, fmt.currency, fmt.locale)
  if (kind === 'ratio') return formatPercent(n, fmt.locale, 1)
  return formatNumber(n, fmt.locale, 2)
}

/** A CSS grid track per column: dates and hours fixed, names and amounts flexible. */
export function columnWidth(c: RecordColumn, index: number): string {
  if (c.kind === 'hours') return 'minmax(72px, 0.6fr)'
  if (c.kind === 'money') return 'minmax(94px, 1fr)'
  if (c.kind !== 'text') return 'minmax(70px, 0.7fr)'
  if (/date$/.test(c.id)) return '106px'
  return index === 0 ? 'minmax(108px, 1.2fr)' : 'minmax(84px, 1fr)'
}

/** A stable key per record: its own key fields joined. */
export const recordKey = (r: RecordRow, i: number) =>
  Object.entries(r)
    .filter(([k, v]) => /(^|_)key$/.test(k) && v != null)
    .map(([, v]) => String(v))
    .join('|') || String(i)
