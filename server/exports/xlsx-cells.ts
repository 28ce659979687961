// The cells of an XLSX export's data sheets, as SpreadsheetML: typed values (numbers, money in
// its row's currency format, dates as serial days), text as inline strings with XML's special
// characters escaped, which no spreadsheet runs as a formula. The engine writes the same rows
// for the large comparisons (fast-xlsx-sql.ts); the tests require the very same bytes.
import { cellText, type Column } from './columns.ts'

// Cell styles (styles.xml cellXfs): the header, dates, date-times, then one money format per
// currency code the runtime knows (ISO 4217), and a plain money format for any other code.
export const STYLE = { header: 1, date: 2, datetime: 3 } as const
export const CURRENCIES: readonly string[] = Intl.supportedValuesOf('currency')
export const MONEY_BASE = 4
export const MONEY_OTHER = MONEY_BASE + CURRENCIES.length
const currencyIndex = new Map(CURRENCIES.map((c, i) => [c, i]))

function moneyStyle(currency: string): number {
  const i = currencyIndex.get(currency)
  return i === undefined ? MONEY_OTHER : MONEY_BASE + i
}

/** Days since 1899-12-30, the spreadsheet epoch (1900 date system). */
const EPOCH_MS = Date.UTC(1899, 11, 30)
const serial = (ms: number) => String((ms - EPOCH_MS) / 86_400_000)

// XML 1.0 has no place for most control characters, even escaped: they are dropped.
const NOT_XML = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g
export const xlsxText = (s: string) => s.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
export const xmlAttr = (s: string) => xlsxText(s).replace(/"/g, '&quot;')

export function columnLetter(n: number): string {
  let s = ''
  for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

const DECIMAL = /^-?\d+(\.\d+)?$/
// Leading or trailing XML white space, which a reader keeps only when told to (xml:space).
const EDGE_SPACE = /^[ \t\r\n]|[ \t\r\n]$/
export const inline = (ref: string, s: string, style = '') =>
  `<c r="${ref}"${style} t="inlineStr"><is><t${EDGE_SPACE.test(s) ? ' xml:space="preserve"' : ''}>${xlsxText(s)}</t></is></c>`
const num = (ref: string, v: string, style?: number) => `<c r="${ref}"${style ? ` s="${style}"` : ''}><v>${v}</v></c>`

function cellXml(col: Column, ref: string, v: unknown, currency: string): string {
  if (v === null || v === undefined || v === '') return ''
  const text = cellText(v)
  switch (col.type) {
    case 'number':
      return DECIMAL.test(text) ? num(ref, text) : inline(ref, text)
    case 'money':
      return DECIMAL.test(text) ? num(ref, text, moneyStyle(currency)) : inline(ref, text)
    case 'date': {
      const ms = Date.parse(`${text.slice(0, 10)}T00:00:00Z`)
      return Number.isNaN(ms) ? inline(ref, text) : num(ref, serial(ms), STYLE.date)
    }
    case 'datetime': {
      const ms = Date.parse(text.includes('T') ? text : `${text.replace(' ', 'T')}Z`)
      return Number.isNaN(ms) ? inline(ref, text) : num(ref, serial(ms), STYLE.datetime)
    }
    case 'bool':
      return `<c r="${ref}" t="b"><v>${v === true || v === 'true' || v === 1 ? 1 : 0}</v></c>`
    default:
      return inline(ref, text)
  }
}

/** Data rows a sheet holds: Excel's 1,048,576 rows, less the header. Larger exports continue
 *  on further sheets, each numbered from row 2 under its own header. */
export const SHEET_ROWS = 1_048_575

/**
 * Data rows as sheet XML, the first being the export's `from`-th (0-based), numbered within
 * their sheet (from 2, every `sheetRows` rows); money in each row's own currency, or the one its
 * column names (Column.currency).
 */
export function rowsXml(columns: Column[], rows: Record<string, unknown>[], from: number, currencyOf: (row: Record<string, unknown>) => string, sheetRows = SHEET_ROWS): string {
  const letters = columns.map((_, i) => columnLetter(i + 1))
  let out = ''
  rows.forEach((r, i) => {
    const n = ((from + i) % sheetRows) + 2
    const currency = currencyOf(r)
    out += `<row r="${n}">${columns.map((c, j) => cellXml(c, `${letters[j]}${n}`, r[c.key], c.currency ? String(r[c.currency] ?? currency) : currency)).join('')}</row>`
  })
  return out
}
