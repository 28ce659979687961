// Reporting periods for the overview: presets resolved against the as_of date, the previous
// period of the same length, and the month-ends a sparkline samples. Dates are UTC calendar
// dates (YYYY-MM-DD), as the KPI API takes them.

export const PERIODS = ['mtd', 'last_month', 'qtd', 'last_quarter', 'ytd', 'last_6m', 'last_12m'] as const
export type PeriodPreset = (typeof PERIODS)[number]

export const PERIOD_LABELS: Record<PeriodPreset, string> = {
  mtd: 'Month to date',
  last_month: 'Last month',
  qtd: 'Quarter to date',
  last_quarter: 'Last quarter',
  ytd: 'Year to date',
  last_6m: 'Last 6 months',
  last_12m: 'Last 12 months',
}

export interface DateRange {
  from: string
  to: string
}

const iso = (d: Date) => d.toISOString().slice(0, 10)
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d))
const parse = (s: string) => new Date(`${s}T00:00:00Z`)

export const isPeriod = (s: string | undefined): s is PeriodPreset => PERIODS.includes(s as PeriodPreset)

/** The date (UTC) of an as_of instant. */
export const asOfDate = (asOf: Date) => iso(asOf)

/** A preset resolved against the date of as_of; "to" never goes past it. */
export function periodRange(preset: PeriodPreset, asOf: Date): DateRange {
  const y = asOf.getUTCFullYear()
  const m = asOf.getUTCMonth()
  const today = iso(asOf)
  const q = Math.floor(m / 3) * 3
  switch (preset) {
    case 'mtd':
      return { from: iso(utc(y, m, 1)), to: today }
    case 'last_month':
      return { from: iso(utc(y, m - 1, 1)), to: iso(utc(y, m, 0)) }
    case 'qtd':
      return { from: iso(utc(y, q, 1)), to: today }
    case 'last_quarter':
      return { from: iso(utc(y, q - 3, 1)), to: iso(utc(y, q, 0)) }
    case 'ytd':
      return { from: iso(utc(y, 0, 1)), to: today }
    case 'last_6m':
      return { from: iso(utc(y, m - 5, 1)), to: today }
    case 'last_12m':
      return { from: iso(utc(y, m - 11, 1)), to: today }
  }
}

/** Inclusive length of a range in days. */
export function rangeDays(r: DateRange): number {
  return Math.round((parse(r.to).getTime() - parse(r.from).getTime()) / 86400_000) + 1
}

/**
 * The period just before: a range of whole months compares with as many whole months before
 * it (last quarter with the quarter before); any other range with the same number of days
 * ending the day before "from".
 */
export function previousRange(r: DateRange): DateRange {
  const f = parse(r.from)
  const t = parse(r.to)
  const endsMonth = utc(t.getUTCFullYear(), t.getUTCMonth() + 1, 0).getTime() === t.getTime()
  if (f.getUTCDate() === 1 && endsMonth) {
    const months = (t.getUTCFullYear() - f.getUTCFullYear()) * 12 + t.getUTCMonth() - f.getUTCMonth() + 1
    return { from: iso(utc(f.getUTCFullYear(), f.getUTCMonth() - months, 1)), to: iso(utc(f.getUTCFullYear(), f.getUTCMonth(), 0)) }
  }
  const days = rangeDays(r)
  const to = new Date(f.getTime() - 86400_000)
  return { from: iso(new Date(to.getTime() - (days - 1) * 86400_000)), to: iso(to) }
}

/** The first day of the month n-1 months before the month of `to`: a window of n months. */
export function monthsBack(to: string, n: number): string {
  const t = parse(to)
  return iso(utc(t.getUTCFullYear(), t.getUTCMonth() - (n - 1), 1))
}

/**
 * The instants a point-in-time KPI (WIP, backlog, money at risk) is sampled at for an n-point
 * sparkline: the ends of the n-1 months before as_of's month, then as_of itself.
 */
export function sparklineInstants(asOf: Date, n = 6): string[] {
  const y = asOf.getUTCFullYear()
  const m = asOf.getUTCMonth()
  const out: string[] = []
  for (let i = n - 1; i >= 1; i--) out.push(new Date(Date.UTC(y, m - i + 1, 1) - 1).toISOString())
  out.push(asOf.toISOString())
  return out
}

/** An as_of instant for the end of a calendar date (23:59:59.999Z). */
export function endOfDay(date: string): string {
  return `${date}T23:59:59.999Z`
}
