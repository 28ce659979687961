// A seeded PRNG and the date/money helpers the demo generator shares.
// Dates are handled as UTC day numbers (days since 1970-01-01) so that loops over six months of
// weekdays stay cheap at scale 10 and never drift with the host's time zone.

export const DAY_MS = 86_400_000
export const HOUR_MS = 3_600_000

/** mulberry32: tiny, fast, good enough for demo data, and identical on every platform. */
export class Rng {
  private a: number
  constructor(seed: number) {
    this.a = seed >>> 0
  }
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0
    let t = this.a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }
  float(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo)
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]
  }
  /** Index drawn with the given relative weights. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((s, w) => s + w, 0)
    let r = this.next() * total
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]
      if (r < 0) return i
    }
    return weights.length - 1
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1))
      ;[xs[i], xs[j]] = [xs[j], xs[i]]
    }
    return xs
  }
  hex(chars: number): string {
    let s = ''
    while (s.length < chars) s += Math.floor(this.next() * 0x10000).toString(16).padStart(4, '0')
    return s.slice(0, chars)
  }
}

export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS)
export const dayStart = (day: number): number => day * DAY_MS

const ymdCache = new Map<number, string>()
/** `YYYY-MM-DD` of a day number; cached because time entries repeat the same few hundred days. */
export function ymd(day: number): string {
  let s = ymdCache.get(day)
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10)
    ymdCache.set(day, s)
  }
  return s
}

export const iso = (ms: number): string => new Date(ms).toISOString()

/** 1970-01-01 was a Thursday. */
export const isWeekday = (day: number): boolean => {
  const w = (day + 4) % 7
  return w >= 1 && w <= 5
}

export function firstOfMonth(day: number): number {
  const d = new Date(day * DAY_MS)
  return dayOf(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1))
}

/** First day of the month `n` months after the month of `day` (n may be negative). */
export function addMonths(day: number, n: number): number {
  const d = new Date(day * DAY_MS)
  return dayOf(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1))
}

/** The latest weekday at or before `day`. */
export function weekdayAtOrBefore(day: number): number {
  while (!isWeekday(day)) day--
  return day
}

/** Money is carried as integer cents so that sums are exact; emitted as a 2-decimal number. */
export const money = (cents: number): number => Math.round(cents) / 100
export const roundTo = (x: number, step: number): number => Math.round(x / step) * step
export const quarter = (h: number): number => Math.max(0.25, roundTo(h, 0.25))
