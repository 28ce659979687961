// Checks one JSON value against a field type: the normalised value ClickHouse stores, or the
// message saying what is wrong. Shared by the zod schemas and the ingest row codec.
import { isLosslessNumber } from 'lossless-json'
import { normalizeDecimal, parseDatetime, toChDateTime, isCalendarDate, DECIMAL_SCALE } from './fields.ts'
import type { FieldType } from './spec.ts'

export type Checked = { ok: true; value: string | boolean } | { ok: false; message: string }

const bad = (message: string): Checked => ({ ok: false, message })

// Fast paths for the shapes collectors send nearly always; anything else takes the general path.
const PLAIN_DECIMAL = /^-?\d+(?:\.\d+)?$/
const UTC_DATETIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/

function fastUtc(v: string): string | null {
  const m = UTC_DATETIME.exec(v)
  if (!m || !isCalendarDate(m[1]) || +m[2] > 23 || +m[3] > 59 || +m[4] > 59) return null
  return `${m[1]} ${m[2]}:${m[3]}:${m[4]}.${(m[5] ?? '').padEnd(3, '0')}`
}
const CURRENCY_RE = /^[A-Z]{3}$/

export function checkValue(type: FieldType, v: unknown): Checked {
  switch (type.t) {
    case 'string':
      if (typeof v !== 'string') return bad('expected a string')
      if (type.min && v.length < type.min) return bad('must not be empty')
      if (v.length > type.max) return bad(`longer than ${type.max} characters`)
      return { ok: true, value: v }
    case 'decimal': {
      let text: string | null = null
      if (typeof v === 'number') {
        text = Number.isFinite(v) ? String(v) : null
        // String(n) of a finite double is already canonical unless it uses an exponent.
        if (text !== null && PLAIN_DECIMAL.test(text)) return checkDecimalText(type, text)
      } else if (typeof v === 'string') text = v
      else if (isLosslessNumber(v)) text = (v as { value: string }).value
      const norm = text === null ? null : normalizeDecimal(text)
      if (norm === null) return bad('expected a decimal number (JSON number or decimal string)')
      return checkDecimalText(type, norm)
    }
    case 'date':
      if (typeof v !== 'string' || !isCalendarDate(v)) return bad('expected a date YYYY-MM-DD')
      return { ok: true, value: v }
    case 'datetime': {
      if (typeof v !== 'string') return bad(DATETIME_MESSAGE)
      const fast = fastUtc(v)
      if (fast !== null) return { ok: true, value: fast }
      const d = parseDatetime(v)
      if (!d) return bad(DATETIME_MESSAGE)
      return { ok: true, value: toChDateTime(d) }
    }
    case 'bool':
      if (typeof v !== 'boolean') return bad('expected true or false')
      return { ok: true, value: v }
    case 'enum':
      if (typeof v !== 'string' || !type.values.includes(v)) return bad(`expected one of ${type.values.join(', ')}`)
      return { ok: true, value: v }
    case 'currency':
      if (typeof v !== 'string' || !CURRENCY_RE.test(v)) return bad('expected an ISO-4217 currency code such as USD')
      return { ok: true, value: v }
  }
}

const DATETIME_MESSAGE = 'expected an ISO-8601 datetime with Z or an offset, e.g. 2026-06-30T12:00:00Z'

/** Scale, size and range of a canonical decimal text. */
function checkDecimalText(type: Extract<FieldType, { t: 'decimal' }>, norm: string): Checked {
  const dot = norm.indexOf('.')
  if (dot >= 0 && norm.length - dot - 1 > DECIMAL_SCALE)
    return bad(`has more than ${DECIMAL_SCALE} decimal places and cannot be stored exactly`)
  if ((dot >= 0 ? dot : norm.length) - (norm[0] === '-' ? 1 : 0) > 38 - DECIMAL_SCALE) return bad('is too large')
  if (type.gt !== undefined || type.max !== undefined) {
    const n = Number(norm)
    if ((type.gt !== undefined && !(n > type.gt)) || (type.max !== undefined && n > type.max))
      return bad(`must be more than ${type.gt ?? '-∞'} and at most ${type.max ?? '∞'}`)
  }
  return { ok: true, value: norm }
}
