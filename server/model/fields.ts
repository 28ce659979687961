// Value formats of the canonical model (CONTRACT §2): decimals kept as exact text, dates
// `YYYY-MM-DD`, datetimes ISO-8601 with Z or an offset, stored as UTC.

/** Decimal places the tables keep (Decimal(38, 8)); more would not be stored exactly. */
export const DECIMAL_SCALE = 8
const DECIMAL_RE = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/

/** Normalises a decimal literal (JSON number text or decimal string) to plain notation. */
export function normalizeDecimal(text: string): string | null {
  const s = text.trim()
  const m = DECIMAL_RE.exec(s)
  if (!m) return null
  let digits = m[1] + (m[2] ?? '')
  let point = m[1].length + Number(m[3] ?? 0)
  if (point < 0) {
    digits = '0'.repeat(-point) + digits
    point = 0
  }
  if (point > digits.length) digits = digits + '0'.repeat(point - digits.length)
  const int = digits.slice(0, point).replace(/^0+(?=\d)/, '') || '0'
  const frac = digits.slice(point).replace(/0+$/, '')
  const body = frac ? `${int}.${frac}` : int
  return s.startsWith('-') && /[1-9]/.test(body) ? `-${body}` : body
}


export function isCalendarDate(s: string): boolean {
  // Charcode arithmetic rather than a regex: the ingest codec checks a date on most records.
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false
  let y = 0
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue
    const c = s.charCodeAt(i) - 48
    if (c < 0 || c > 9) return false
    if (i < 4) y = y * 10 + c
  }
  const mo = (s.charCodeAt(5) - 48) * 10 + s.charCodeAt(6) - 48
  const d = (s.charCodeAt(8) - 48) * 10 + s.charCodeAt(9) - 48
  if (mo < 1 || mo > 12 || d < 1) return false
  const days = mo === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31
  return d <= days
}

const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/

/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the times whose UTC text has a 4-digit year. */
const FIRST_MS = -62_167_219_200_000
const LAST_MS = 253_402_300_799_999

/**
 * Parses an ISO-8601 datetime with `Z` or an offset; null when it is not one, or when its offset
 * moves it out of years 0000–9999 (9999-12-31T23:59:59-23:59 is in year 10000 in UTC, which no
 * ClickHouse text can say).
 */
export function parseDatetime(s: string): Date | null {
  const d = parseAnyDatetime(s)
  return d && d.getTime() >= FIRST_MS && d.getTime() <= LAST_MS ? d : null
}

/** parseDatetime without the year limit: a field's check names the range it is outside. */
export function parseAnyDatetime(s: string): Date | null {
  if (!DATETIME_RE.test(s) || !isCalendarDate(s.slice(0, 10))) return null
  const ms = Date.parse(s)
  return Number.isNaN(ms) ? null : new Date(ms)
}

/** UTC text ClickHouse parses as DateTime64(3, 'UTC'). */
export function toChDateTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '')
}
