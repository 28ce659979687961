// Formatters for everything a person reads: money by locale with its currency, percentages,
// dates, datetimes, relative times and durations. Pure: locale and time zone are parameters
// (the UI passes the browser's), so tests pin them.
import type { Unit } from './endpoints.ts'

const nf = new Map<string, Intl.NumberFormat>()
function numberFormat(locale: string, o: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = locale + JSON.stringify(o)
  let f = nf.get(key)
  if (!f) nf.set(key, (f = new Intl.NumberFormat(locale, o)))
  return f
}

// Intl formatters are slow to build (a table row would build several): one per locale and options.
const dtfs = new Map<string, Intl.DateTimeFormat>()
function dateFormat(locale: string, o: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = locale + JSON.stringify(o)
  let f = dtfs.get(key)
  if (!f) dtfs.set(key, (f = new Intl.DateTimeFormat(locale, o)))
  return f
}
const rtfs = new Map<string, Intl.RelativeTimeFormat>()
function relativeFormat(locale: string): Intl.RelativeTimeFormat {
  let f = rtfs.get(locale)
  if (!f) rtfs.set(locale, (f = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' })))
  return f
}

const DASH = '—'

const bad = (v: number | null | undefined): v is null | undefined => v === null || v === undefined || !Number.isFinite(v)

/** Money with its currency: "$1,234.50"; compact (3 significant digits) for tiles and axes: "$1.05M". */
export function formatMoney(v: number | null | undefined, currency = 'USD', locale = 'en-US', compact = false): string {
  if (bad(v)) return DASH
  const o: Intl.NumberFormatOptions = compact
    ? { style: 'currency', currency, notation: 'compact', maximumSignificantDigits: 3 }
    : { style: 'currency', currency, minimumFractionDigits: Number.isInteger(v) ? 0 : 2, maximumFractionDigits: 2 }
  return numberFormat(locale, o).format(v)
}

/**
 * An amount in its own currency, and in the reporting one when that differs (CONTRACT §5
 * Currency): "€1,000.00 (US$1,200.00)"; "(no exchange rate)" when it could not be converted.
 */
export function formatMoneyWithReporting(
  v: number | null | undefined,
  currency: string | null | undefined,
  reporting: number | null | undefined,
  reportingCurrency: string,
  locale = 'en-US',
): { native: string; reporting: string | null } {
  const own = currency || reportingCurrency
  const native = formatMoney(v, own, locale)
  if (own === reportingCurrency || bad(v)) return { native, reporting: null }
  return { native, reporting: bad(reporting) ? 'no exchange rate' : formatMoney(reporting, reportingCurrency, locale) }
}

/**
 * The note under a money figure some of whose records had no exchange rate (a KPI's
 * fx_coverage below 1): "3% of records had no exchange rate and are left out"; null when all
 * converted. A share that rounds to 0% still says "<1%": a number is incomplete all the same.
 */
export function formatFxNote(fxCoverage: number | null | undefined, locale = 'en-US'): string | null {
  if (bad(fxCoverage) || fxCoverage >= 1) return null
  const missing = 1 - Math.max(fxCoverage, 0)
  const share = missing < 0.005 ? `<${formatPercent(0.01, locale, 0)}` : formatPercent(missing, locale, 0)
  return `${share} of records had no exchange rate and are left out`
}

/** A ratio as a percentage: 0.4017 → "40.2%". */
export function formatPercent(ratio: number | null | undefined, locale = 'en-US', digits = 1): string {
  if (bad(ratio)) return DASH
  return numberFormat(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(ratio)
}

export function formatNumber(v: number | null | undefined, locale = 'en-US', digits = 0): string {
  if (bad(v)) return DASH
  return numberFormat(locale, { minimumFractionDigits: 0, maximumFractionDigits: digits }).format(v)
}

/** A KPI value in its unit. */
export function formatKpi(unit: Unit, v: number | null | undefined, locale = 'en-US', currency = 'USD', compact = true): string {
  if (bad(v)) return DASH
  switch (unit) {
    case 'ratio':
      return formatPercent(v, locale)
    case 'currency':
      return formatMoney(v, currency, locale, compact)
    case 'days':
      return `${formatNumber(v, locale, 1)} d`
    case 'hours':
      return `${formatNumber(v, locale, 1)} h`
  }
}

export interface Change {
  text: string
  direction: 'up' | 'down' | 'flat'
}

/**
 * The change of a KPI against the previous period: percentage points for ratios (a relative
 * change of a percentage misleads), relative percent for everything else.
 */
export function formatChange(unit: Unit, current: number | null | undefined, previous: number | null | undefined, locale = 'en-US'): Change | null {
  if (bad(current) || bad(previous)) return null
  const sign = (d: number) => (d > 0 ? '+' : d < 0 ? '−' : '±')
  if (unit === 'ratio') {
    const pp = (current - previous) * 100
    const direction = Math.abs(pp) < 0.05 ? 'flat' : pp > 0 ? 'up' : 'down'
    const one = numberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 })
    return { text: `${sign(direction === 'flat' ? 0 : pp)}${one.format(Math.abs(pp))} pp`, direction }
  }
  if (previous === 0) return current === 0 ? { text: '±0%', direction: 'flat' } : { text: 'from 0', direction: current > 0 ? 'up' : 'down' }
  const rel = (current - previous) / Math.abs(previous)
  const direction = Math.abs(rel) < 0.0005 ? 'flat' : rel > 0 ? 'up' : 'down'
  return { text: `${sign(direction === 'flat' ? 0 : rel)}${formatPercent(Math.abs(rel), locale, 1)}`, direction }
}

/** A calendar date (YYYY-MM-DD or the date part of an ISO datetime), never shifted by time zone. */
export function formatDate(v: string | null | undefined, locale = 'en-US'): string {
  if (!v) return DASH
  const d = new Date(v.length === 10 ? `${v}T00:00:00Z` : v)
  if (Number.isNaN(d.getTime())) return v
  return dateFormat(locale, { dateStyle: 'medium', timeZone: v.length === 10 ? 'UTC' : undefined }).format(d)
}

/** A point in time in the reader's zone (or the one given). */
export function formatDateTime(v: string | null | undefined, locale = 'en-US', timeZone?: string): string {
  if (!v) return DASH
  const d = new Date(v)
  if (Number.isNaN(d.getTime())) return v
  return dateFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(d)
}

/** A month group ("2026-06-01") as "Jun 2026" / short "Jun". */
export function formatMonth(v: string, locale = 'en-US', short = false): string {
  const d = new Date(`${v.slice(0, 7)}-01T00:00:00Z`)
  if (Number.isNaN(d.getTime())) return v
  return dateFormat(locale, short ? { month: 'short', timeZone: 'UTC' } : { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(d)
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 86400_000],
  ['month', 30 * 86400_000],
  ['week', 7 * 86400_000],
  ['day', 86400_000],
  ['hour', 3600_000],
  ['minute', 60_000],
  ['second', 1000],
]

/** "3 hours ago", "in 2 days" against now. */
export function formatRelative(v: string | null | undefined, now: number, locale = 'en-US'): string {
  if (!v) return DASH
  const t = Date.parse(v)
  if (Number.isNaN(t)) return v
  const diff = t - now
  const rtf = relativeFormat(locale)
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms || unit === 'second') return rtf.format(Math.round(diff / ms), unit)
  }
  return DASH
}

/** A duration in milliseconds: "850 ms", "4.8 s", "2 m 05 s", "3 h 10 m", "2 d 4 h". */
export function formatDuration(ms: number | null | undefined): string {
  if (bad(ms)) return DASH
  const a = Math.abs(ms)
  const sign = ms < 0 ? '−' : ''
  if (a < 1000) return `${sign}${a < 10 ? a.toFixed(1).replace(/\.0$/, '') : Math.round(a)} ms`
  if (a < 60_000) return `${sign}${(a / 1000).toFixed(a < 10_000 ? 1 : 0)} s`
  const pad = (n: number) => String(n).padStart(2, '0')
  if (a < 3600_000) return `${sign}${Math.floor(a / 60_000)} m ${pad(Math.floor((a % 60_000) / 1000))} s`
  if (a < 86400_000) return `${sign}${Math.floor(a / 3600_000)} h ${pad(Math.floor((a % 3600_000) / 60_000))} m`
  return `${sign}${Math.floor(a / 86400_000)} d ${Math.floor((a % 86400_000) / 3600_000)} h`
}

/** Hours as a duration: pipeline-to-project 22.7 → "22.7 h", 60 → "2.5 d". */
export function formatHours(h: number | null | undefined, locale = 'en-US'): string {
  if (bad(h)) return DASH
  return Math.abs(h) >= 48 ? `${formatNumber(h / 24, locale, 1)} d` : `${formatNumber(h, locale, 1)} h`
}

/** snake_case identifiers for people: "time_entry" → "Time entry". */
export function humanize(id: string | null | undefined): string {
  if (!id) return DASH
  const s = id.replace(/[_-]+/g, ' ').trim()
  return s.charAt(0).toUpperCase() + s.slice(1)
}

/** A field value from a system's record, as text for side-by-side display. */
export function formatField(v: unknown): string {
  if (v === null || v === undefined || v === '') return DASH
  if (typeof v === 'boolean') return v ? 'yes' : 'no'
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}
