// Field types of the canonical model (CONTRACT §2), as zod schemas.
//
// Records are parsed with lossless-json, so a JSON number reaches these schemas as a
// LosslessNumber holding its exact source text: money, rates and hours never pass through a
// JS float. Every schema outputs the value in the form ClickHouse stores: decimals as exact
// decimal strings, dates as `YYYY-MM-DD`, datetimes as UTC `YYYY-MM-DD HH:MM:SS.mmm`.
import { isLosslessNumber } from 'lossless-json'
import { z } from 'zod'

/** Decimal places the tables keep (Decimal(38, 8)); more would not be stored exactly. */
export const DECIMAL_SCALE = 8
const DECIMAL_RE = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/

/** Normalises a decimal literal (JSON number text or decimal string) to plain notation. */
export function normalizeDecimal(text: string): string | null {
  const m = DECIMAL_RE.exec(text.trim())
  if (!m) return null
  const negative = text.trim().startsWith('-')
  let digits = m[1] + (m[2] ?? '')
  let point = m[1].length + Number(m[3] ?? 0)
  if (point < 0) {
    digits = '0'.repeat(-point) + digits
    point = 0
  }
  if (point > digits.length) digits = digits + '0'.repeat(point - digits.length)
  let int = digits.slice(0, point).replace(/^0+(?=\d)/, '') || '0'
  let frac = digits.slice(point).replace(/0+$/, '')
  if (int === '') int = '0'
  const body = frac ? `${int}.${frac}` : int
  return negative && /[1-9]/.test(body) ? `-${body}` : body
}

export const decimal = z
  .unknown()
  .transform((v, ctx) => {
    let text: string | null = null
    if (isLosslessNumber(v)) text = (v as { value: string }).value
    else if (typeof v === 'string') text = v
    else if (typeof v === 'number') text = String(v) // only from trusted internal callers
    const norm = text === null ? null : normalizeDecimal(text)
    if (norm === null) {
      ctx.addIssue({ code: 'custom', message: 'expected a decimal number (JSON number or decimal string)' })
      return z.NEVER
    }
    const [int, frac = ''] = norm.replace('-', '').split('.')
    if (frac.length > DECIMAL_SCALE) {
      ctx.addIssue({ code: 'custom', message: `has more than ${DECIMAL_SCALE} decimal places and cannot be stored exactly` })
      return z.NEVER
    }
    if (int.length > 38 - DECIMAL_SCALE) {
      ctx.addIssue({ code: 'custom', message: 'is too large' })
      return z.NEVER
    }
    return norm
  })

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/

function isCalendarDate(s: string): boolean {
  const m = DATE_RE.exec(s)
  if (!m) return false
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]))
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3]
}

export const date = z.string({ error: 'expected a date string YYYY-MM-DD' }).refine(isCalendarDate, {
  message: 'expected a date YYYY-MM-DD',
})

const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/

/** Parses an ISO-8601 datetime with `Z` or an offset; null when it is not one. */
export function parseDatetime(s: string): Date | null {
  if (!DATETIME_RE.test(s) || !isCalendarDate(s.slice(0, 10))) return null
  const ms = Date.parse(s)
  return Number.isNaN(ms) ? null : new Date(ms)
}

/** UTC text ClickHouse parses as DateTime64(3, 'UTC'). */
export function toChDateTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '')
}

export const datetime = z.string({ error: 'expected an ISO-8601 datetime string' }).transform((s, ctx) => {
  const d = parseDatetime(s)
  if (!d) {
    ctx.addIssue({ code: 'custom', message: 'expected an ISO-8601 datetime with Z or an offset, e.g. 2026-06-30T12:00:00Z' })
    return z.NEVER
  }
  return toChDateTime(d)
})

export const str = (max = 1000) =>
  z.string({ error: 'expected a string' }).max(max, { message: `longer than ${max} characters` })

export const currency = z
  .string({ error: 'expected an ISO-4217 currency code string' })
  .regex(/^[A-Z]{3}$/, { message: 'expected an ISO-4217 currency code such as USD' })

export const bool = z.boolean({ error: 'expected true or false' })

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `expected one of ${values.join(', ')}` })
}

/** Optional in the contract: absent or null. */
export const opt = <T extends z.ZodType>(s: T) => s.nullish().transform((v) => (v ?? null) as z.output<T> | null)
