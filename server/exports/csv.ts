// CSV per RFC 4180 (CRLF rows, quoted when needed, quotes doubled), UTF-8 with a BOM so Excel
// reads it as UTF-8, and text cells neutralised so no spreadsheet runs them as formulas.
import { cellText, neutralize, type Column } from './columns.ts'

const BOM = '\uFEFF'
const DECIMAL = /^-?\d+(\.\d+)?$/

function field(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

function cell(col: Column, v: unknown): string {
  const text = cellText(v)
  // Numbers come from typed columns; anything else in them is text like any other.
  if ((col.type === 'number' || col.type === 'money') && DECIMAL.test(text)) return text
  if (col.type === 'bool' && (text === 'true' || text === 'false')) return text
  return field(neutralize(text))
}

export function csvHeader(columns: Column[]): string {
  return BOM + columns.map((c) => field(neutralize(c.header))).join(',') + '\r\n'
}

export function csvRows(columns: Column[], rows: Record<string, unknown>[]): string {
  let out = ''
  for (const r of rows) out += columns.map((c) => cell(c, r[c.key])).join(',') + '\r\n'
  return out
}
