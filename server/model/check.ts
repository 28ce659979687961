// Checks one JSON value against a field type: the normalised value ClickHouse stores, or the
// message saying what is wrong. Shared by the zod schemas and the ingest row codec.
import { isLosslessNumber } from 'lossless-json'
import { normalizeDecimal, parseAnyDatetime, toChDateTime, isCalendarDate, DECIMAL_SCALE } from './fields.ts'
import type { FieldType } from './spec.ts'

declare global {
  interface String {
    /** ES2024 (Node 20 has it; the lib setting stops at ES2023). */
    isWellFormed(): boolean
  }
}

/** Why a value does not fit its field. A class, so that a valid value needs no wrapper object:
 *  the ingest codec checks every field of every record and allocation there is GC time. */
export class Bad {
  constructor(readonly message: string) {}
}

/** The normalised value ClickHouse stores (text, or a boolean), or why it is invalid. */
export type Checked = string | boolean | Bad

const NOT_STRING = new Bad('expected a string')
const EMPTY = new Bad('must not be empty')
const NOT_DECIMAL = new Bad('expected a decimal number (JSON number or decimal string)')
const NOT_DATE = new Bad('expected a date YYYY-MM-DD')
const NOT_BOOL = new Bad('expected true or false')
const NOT_CURRENCY = new Bad('expected an ISO-4217 currency code such as USD')
const NOT_UNICODE = new Bad('is not valid Unicode (a lone surrogate)')

const isDigit = (c: number) => c >= 48 && c <= 57
const two = (s: string, i: number) => (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48

const TIME_DIGITS = [11, 12, 14, 15, 17, 18]
const CURRENCY_RE = /^[A-Z]{3}$/

// What the columns hold (sql/migrations: Date, DateTime64(3, 'UTC') as ClickHouse documents
// them): the engine would store anything outside as another value without a word.
export const DATE_RANGE = { min: '1970-01-01', max: '2149-06-06' } as const
export const DATETIME_RANGE = { min: '1900-01-01 00:00:00.000', max: '2299-12-31 23:59:59.999' } as const
const DATE_OUT_OF_RANGE = new Bad(`is outside the dates that can be stored (${DATE_RANGE.min} to ${DATE_RANGE.max})`)
export const DATETIME_OUT_OF_RANGE = new Bad('is outside the times that can be stored (1900-01-01T00:00:00Z to 2299-12-31T23:59:59.999Z)')

/** True when ClickHouse UTC text lies in DATETIME_RANGE (a year beyond 4 digits starts with + or -, below '1'). */
export const inDatetimeRange = (ch: string) => ch >= DATETIME_RANGE.min && ch <= DATETIME_RANGE.max

/** `YYYY-MM-DDTHH:MM:SS[.mmm]Z`, the shape collectors send nearly always, without a regex. */
function fastUtc(v: string): string | null {
  const n = v.length
  if ((n !== 20 && (n < 22 || n > 24)) || v.charCodeAt(n - 1) !== 90 /* Z */ || v.charCodeAt(10) !== 84 /* T */) return null
  if (v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58) return null
  for (const i of TIME_DIGITS) if (!isDigit(v.charCodeAt(i))) return null
  if (two(v, 11) > 23 || two(v, 14) > 59 || two(v, 17) > 59) return null
  let ms = '000'
  if (n > 20) {
    if (v.charCodeAt(19) !== 46) return null
    for (let i = 20; i < n - 1; i++) if (!isDigit(v.charCodeAt(i))) return null
    ms = v.slice(20, n - 1).padEnd(3, '0')
  }
  const date = v.slice(0, 10)
  if (!isCalendarDate(date)) return null
  return `${date} ${v.slice(11, 19)}.${ms}`
}

export function checkValue(type: FieldType, v: unknown): Checked {
  switch (type.t) {
    case 'string':
      if (typeof v !== 'string') return NOT_STRING
      if (type.min && v.length < type.min) return EMPTY
      if (v.length > type.max) return new Bad(`longer than ${type.max} characters`)
      // A lone surrogate (from a \ud800 escape) would be stored as U+FFFD: distinct keys would collide.
      if (!v.isWellFormed()) return NOT_UNICODE
      return v
    case 'decimal': {
      if (typeof v === 'number') {
        // String(n) of a finite double is canonical decimal text unless it uses an exponent
        // (|n| >= 1e21 or < 1e-6), which the general path below expands.
        const text = Number.isFinite(v) ? String(v) : null
        if (text !== null && !text.includes('e')) return checkDecimalText(type, text, v)
        const norm = text === null ? null : normalizeDecimal(text)
        return norm === null ? NOT_DECIMAL : checkDecimalText(type, norm, Number(norm))
      }
      const text = typeof v === 'string' ? v : isLosslessNumber(v) ? (v as { value: string }).value : null
      const norm = text === null ? null : normalizeDecimal(text)
      return norm === null ? NOT_DECIMAL : checkDecimalText(type, norm, Number(norm))
    }
    case 'date':
      if (typeof v !== 'string' || !isCalendarDate(v)) return NOT_DATE
      return v >= DATE_RANGE.min && v <= DATE_RANGE.max ? v : DATE_OUT_OF_RANGE
    case 'datetime': {
      if (typeof v !== 'string') return BAD_DATETIME
      let ch = fastUtc(v)
      if (ch === null) {
        const d = parseAnyDatetime(v)
        if (d === null) return BAD_DATETIME
        ch = toChDateTime(d)
      }
      return inDatetimeRange(ch) ? ch : DATETIME_OUT_OF_RANGE
    }
    case 'bool':
      return typeof v === 'boolean' ? v : NOT_BOOL
    case 'enum':
      return typeof v === 'string' && type.values.includes(v) ? v : new Bad(`expected one of ${type.values.join(', ')}`)
    case 'currency':
      return typeof v === 'string' && v.length === 3 && CURRENCY_RE.test(v) ? v : NOT_CURRENCY
  }
}

const BAD_DATETIME = new Bad('expected an ISO-8601 datetime with Z or an offset, e.g. 2026-06-30T12:00:00Z')

const TOO_PRECISE = new Bad(`has more than ${DECIMAL_SCALE} decimal places and cannot be stored exactly`)
const TOO_LARGE = new Bad('is too large')

/** Scale, size and range of a canonical decimal text. */
function checkDecimalText(type: Extract<FieldType, { t: 'decimal' }>, norm: string, n: number): Checked {
  const dot = norm.indexOf('.')
  if (dot >= 0 && norm.length - dot - 1 > DECIMAL_SCALE) return TOO_PRECISE
  if ((dot >= 0 ? dot : norm.length) - (norm[0] === '-' ? 1 : 0) > 38 - DECIMAL_SCALE) return TOO_LARGE
  if (type.gt !== undefined || type.max !== undefined) {
    if ((type.gt !== undefined && !(n > type.gt)) || (type.max !== undefined && n > type.max))
      return new Bad(`must be more than ${type.gt ?? '-∞'} and at most ${type.max ?? '∞'}`)
  }
  return norm
}
