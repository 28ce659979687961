// The `as` transforms of CONTRACT §8 "Field expressions": native values to canonical text.
// Money and hours stay exact decimal text (BigInt arithmetic, never a float); times come out as
// ISO-8601 UTC. A value that does not fit throws a Reject saying why; the evaluator adds the
// canonical field and the native path, so a bad value is a rejected record, never a guess.
import { isLosslessNumber } from 'lossless-json'
import { isCalendarDate, normalizeDecimal, DECIMAL_SCALE } from '../../../server/model/fields.ts'

export class Reject extends Error {}

export const TRANSFORMS = [
  'string', 'decimal', 'money_minor', 'hours_from_minutes', 'hours_from_hhmm', 'date', 'datetime', 'date_in_tz', 'bool',
] as const
export type Transform = (typeof TRANSFORMS)[number]

/** The value's text for `map` keys and `string`: `1`, `true`, `T`; objects have none. */
export function scalarText(v: unknown): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Reject(`${v} is not a number`)
    return String(v).includes('e') ? (normalizeDecimal(String(v)) ?? String(v)) : String(v)
  }
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v)
  if (isLosslessNumber(v)) return (v as { value: string }).value
  throw new Reject(`${JSON.stringify(v)} is not a single value`)
}

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/

/** Exact decimal text. "1234.50" stays "1234.50"; numbers and exponents are normalised. */
export function toDecimal(v: unknown): string {
  if (typeof v === 'boolean' || v === null || typeof v === 'object' && !isLosslessNumber(v)) throw new Reject(`${JSON.stringify(v)} is not a decimal number`)
  const text = scalarText(v).trim()
  if (PLAIN_DECIMAL.test(text)) return text
  const norm = normalizeDecimal(text)
  if (norm === null) throw new Reject(`${JSON.stringify(v)} is not a decimal number`)
  return norm
}

const DECIMAL_PARTS = /^(-?)(\d+)(?:\.(\d+))?$/

function scaled(text: string): [bigint, number] {
  const m = DECIMAL_PARTS.exec(text)!
  const frac = m[3] ?? ''
  const n = BigInt(m[2] + frac)
  return [m[1] ? -n : n, frac.length]
}

function printScaled(n: bigint | number, scale: number): string {
  const neg = n < 0
  const digits = (neg ? -n : n).toString().padStart(scale + 1, '0')
  const int = digits.slice(0, digits.length - scale)
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '')
  return `${neg && /[1-9]/.test(int + frac) ? '-' : ''}${int}${frac ? `.${frac}` : ''}`
}

/** Integers below 10^15 are exact in a double, and so are their sums, products and exact quotients. */
const SAFE_DIGITS = 15

/**
 * a ÷ b on decimal text. `exact`: the quotient must end within the 8 places the store keeps
 * (money: a rate that does not divide is rejected). Otherwise rounded half away from zero at
 * the 8th place (hours: 20 minutes is 0.33333333 h, which no decimal holds exactly).
 */
export function divideDecimal(a: string, b: string, exact: boolean): string {
  // Small operands (minutes, cents) in doubles: every step is exact below 10^15, so the result
  // is the same as the bigint path's, without its allocations.
  const ma = DECIMAL_PARTS.exec(a)
  const mb = DECIMAL_PARTS.exec(b)
  if (ma && mb) {
    const fa = ma[3] ?? ''
    const fb = mb[3] ?? ''
    if (ma[2].length + fa.length + fb.length + DECIMAL_SCALE <= SAFE_DIGITS && mb[2].length + fb.length + fa.length <= SAFE_DIGITS) {
      const x = Number(ma[2] + fa) * (ma[1] ? -1 : 1)
      const y = Number(mb[2] + fb) * (mb[1] ? -1 : 1)
      if (y === 0) throw new Reject('division by zero')
      let num = x * 10 ** (fb.length + DECIMAL_SCALE)
      let den = y * 10 ** fa.length
      if (den < 0) [num, den] = [-num, -den]
      const r = num % den
      const q = (num - r) / den
      if (r !== 0) {
        if (exact) throw new Reject(`${a} ÷ ${b} has more than ${DECIMAL_SCALE} decimal places`)
        const up = 2 * Math.abs(r) >= den
        return printScaled(up ? q + (num < 0 ? -1 : 1) : q, DECIMAL_SCALE)
      }
      return printScaled(q, DECIMAL_SCALE)
    }
  }
  const [x, sx] = scaled(a)
  const [y, sy] = scaled(b)
  if (y === 0n) throw new Reject('division by zero')
  // a/b = (x·10^sy) / (y·10^sx); scale the numerator by 10^8 to keep 8 places.
  let num = x * 10n ** BigInt(sy + DECIMAL_SCALE)
  let den = y * 10n ** BigInt(sx)
  if (den < 0n) [num, den] = [-num, -den]
  const q = num / den
  const r = num % den
  if (r !== 0n) {
    if (exact) throw new Reject(`${a} ÷ ${b} has more than ${DECIMAL_SCALE} decimal places`)
    const up = 2n * (r < 0n ? -r : r) >= den
    return printScaled(up ? q + (num < 0n ? -1n : 1n) : q, DECIMAL_SCALE)
  }
  return printScaled(q, DECIMAL_SCALE)
}

export function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v
  if (v === 1 || v === 0) return v === 1
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase()
    if (s === 'true' || s === 't' || s === '1') return true
    if (s === 'false' || s === 'f' || s === '0') return false
  }
  throw new Reject(`${JSON.stringify(v)} is not a flag (true/false, T/F, 1/0)`)
}

/** "7:30" → 7.5 hours; "0:05" → 0.08333333. NetSuite shows durations so (REFERENCE §2.6). */
export function hoursFromHhmm(v: unknown): string {
  const m = typeof v === 'string' ? /^\s*(\d+):([0-5]\d)\s*$/.exec(v) : null
  if (!m) throw new Reject(`${JSON.stringify(v)} is not a duration H:MM`)
  return divideDecimal(String(Number(m[1]) * 60 + Number(m[2])), '60', false)
}

// ---- dates and times -------------------------------------------------------------------

interface Parts { y: number; mo: number; d: number; h: number; mi: number; s: number; ms: number; offsetMin?: number }

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/

function offsetMinutes(text: string): number {
  if (text === 'Z') return 0
  const sign = text[0] === '-' ? -1 : 1
  const digits = text.slice(1).replace(':', '')
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)))
}

function parseIso(s: string): Parts | null {
  const m = ISO.exec(s.trim())
  if (!m) return null
  return {
    y: +m[1], mo: +m[2], d: +m[3], h: +(m[4] ?? 0), mi: +(m[5] ?? 0), s: +(m[6] ?? 0),
    ms: Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)), offsetMin: m[8] ? offsetMinutes(m[8]) : undefined,
  }
}

const TOKEN = /YYYY|MM|M|DD|D|HH|H|hh|h|mm|ss|SSS|A|a|Z/g
const TOKEN_RE: Record<string, string> = {
  YYYY: '(\\d{4})', MM: '(\\d{2})', M: '(\\d{1,2})', DD: '(\\d{2})', D: '(\\d{1,2})', HH: '(\\d{2})', H: '(\\d{1,2})',
  hh: '(\\d{2})', h: '(\\d{1,2})', mm: '(\\d{2})', ss: '(\\d{2})', SSS: '(\\d{1,9})', A: '(AM|PM|am|pm)', a: '(AM|PM|am|pm)',
  Z: '(Z|[+-]\\d{2}:?\\d{2})',
}

/** Parses by a format such as NetSuite's `M/D/YYYY` or `D.M.YYYY h:mm a`. */
/** Each format's pattern, built once. */
const formatPatterns = new Map<string, { re: RegExp; tokens: string[] }>()

function formatPattern(format: string): { re: RegExp; tokens: string[] } {
  let p = formatPatterns.get(format)
  if (p) return p
  const tokens: string[] = []
  let re = '^'
  let last = 0
  for (const m of format.matchAll(TOKEN)) {
    re += format.slice(last, m.index).replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + TOKEN_RE[m[0]]
    tokens.push(m[0])
    last = m.index + m[0].length
  }
  re += format.slice(last).replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$'
  p = { re: new RegExp(re), tokens }
  formatPatterns.set(format, p)
  return p
}

function parseFormat(s: string, format: string): Parts | null {
  const { re, tokens } = formatPattern(format)
  const m = re.exec(s.trim())
  if (!m) return null
  const p: Parts = { y: 0, mo: 0, d: 0, h: 0, mi: 0, s: 0, ms: 0 }
  let pm: boolean | undefined
  tokens.forEach((t, i) => {
    const v = m[i + 1]
    if (t === 'YYYY') p.y = +v
    else if (t === 'MM' || t === 'M') p.mo = +v
    else if (t === 'DD' || t === 'D') p.d = +v
    else if (t.toLowerCase().startsWith('h')) p.h = +v
    else if (t === 'mm') p.mi = +v
    else if (t === 'ss') p.s = +v
    else if (t === 'SSS') p.ms = Number(v.padEnd(3, '0').slice(0, 3))
    else if (t === 'A' || t === 'a') pm = v.toLowerCase() === 'pm'
    else if (t === 'Z') p.offsetMin = offsetMinutes(v)
  })
  if (pm !== undefined) {
    if (p.h < 1 || p.h > 12) return null
    p.h = (p.h % 12) + (pm ? 12 : 0)
  }
  return p
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')
const dateText = (p: Parts) => `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)}`

function parse(v: unknown, format: string | undefined, what: string): Parts {
  if (typeof v !== 'string') throw new Reject(`${JSON.stringify(v)} is not ${what}`)
  // ISO is unambiguous, so it is read whatever the tenant's format; M/D vs D/M never is.
  // A tenant's datetimes are its date format followed by a time (NetSuite `M/D/YYYY h:mm:ss am`).
  const p = parseIso(v) ?? (format ? (parseFormat(v, format) ?? (/[Hh]/.test(format) ? null : withTime(v, format))) : null)
  if (!p || !isCalendarDate(dateText(p)) || p.h > 23 || p.mi > 59 || p.s > 59)
    throw new Reject(`${JSON.stringify(v)} is not ${what}${format ? ` (format ${format})` : ''}`)
  return p
}

function withTime(v: string, format: string): Parts | null {
  for (const t of [' h:mm:ss a', ' h:mm a', ' H:mm:ss', ' H:mm']) {
    const p = parseFormat(v, format + t)
    if (p) return p
  }
  return null
}

const formatters = new Map<string, Intl.DateTimeFormat>()

/** The zone's wall-clock formatter; an unknown zone is a rejection naming it. */
function zone(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
      })
    } catch {
      throw new Reject(`unknown time zone ${JSON.stringify(tz)}`)
    }
    formatters.set(tz, f)
  }
  return f
}

export function isTimeZone(tz: string): boolean {
  try {
    zone(tz)
    return true
  } catch {
    return false
  }
}

function formatWallClock(tz: string, ms: number): Parts {
  const o: Record<string, number> = {}
  for (const part of zone(tz).formatToParts(new Date(ms))) if (part.type !== 'literal') o[part.type] = Number(part.value)
  return { y: o.year, mo: o.month, d: o.day, h: o.hour % 24, mi: o.minute, s: o.second, ms: 0 }
}

const HOUR = 3_600_000
/** Zone offsets per (zone, UTC hour): formatToParts costs ~10 µs, and a listing's timestamps
 *  share few hours. An hour whose two ends disagree (a transition inside it) is never cached. */
const offsets = new Map<string, Map<number, number>>()

function offsetOf(tz: string, ms: number): number {
  const hour = Math.floor(ms / HOUR)
  let byHour = offsets.get(tz)
  const cached = byHour?.get(hour)
  if (cached !== undefined) return cached
  const at = (t: number) => {
    const w = formatWallClock(tz, t)
    return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - (t - (((t % 1000) + 1000) % 1000))
  }
  const offset = at(ms)
  if (at(hour * HOUR) === offset && at(hour * HOUR + HOUR - 1) === offset) {
    if (!byHour || byHour.size > 100_000) offsets.set(tz, (byHour = new Map()))
    byHour.set(hour, offset)
  }
  return offset
}

/** The wall-clock time in `tz` at epoch `ms` (whole seconds). */
function wallClock(tz: string, ms: number): Parts {
  const d = new Date(ms + offsetOf(tz, ms))
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds(), ms: 0 }
}

/** Epoch ms of a wall-clock time in `tz`: the zone's offset, found twice across a DST change. */
function localToEpoch(p: Parts, tz: string): number {
  const guess = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s, p.ms)
  const first = guess - offsetOf(tz, guess)
  return guess - offsetOf(tz, first)
}

function toEpoch(p: Parts, tz: string | undefined, v: unknown): number {
  if (p.offsetMin !== undefined) return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s, p.ms) - p.offsetMin * 60_000
  if (!tz) throw new Reject(`${JSON.stringify(v)} has no offset and the expression gives no tz`)
  return localToEpoch(p, tz)
}

/** `YYYY-MM-DD`; with `format` for tenants whose API answers in a preference format. */
export function toDate(v: unknown, format?: string): string {
  const p = parse(v, format, 'a date')
  if (p.h || p.mi || p.s || p.ms || p.offsetMin !== undefined) throw new Reject(`${JSON.stringify(v)} is a timestamp, not a date (use date_in_tz)`)
  return dateText(p)
}

/** ISO-8601 UTC (`…T…Z`). A local time without an offset is read in `tz`. */
export function toDatetime(v: unknown, format?: string, tz?: string): string {
  const p = parse(v, format, 'a datetime')
  return new Date(toEpoch(p, tz, v)).toISOString()
}

/** The local date of a timestamp in `tz` (never a naive UTC cut); a plain date is kept. */
export function dateInTz(v: unknown, tz: string | undefined, format?: string): string {
  const p = parse(v, format, 'a timestamp')
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v.trim())) return dateText(p)
  if (!tz) throw new Reject('date_in_tz needs tz')
  return dateText(wallClock(tz, toEpoch(p, tz, v)))
}
