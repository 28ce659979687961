// What an export holds: typed columns, so CSV writes plain text and XLSX typed cells.
export type ColumnType = 'text' | 'number' | 'money' | 'date' | 'datetime' | 'bool'

export interface Column {
  key: string
  header: string
  type: ColumnType
  /** Money in another currency than the row's: the key of the column naming it (a reporting amount). */
  currency?: string
}

export interface ExportMeta {
  title: string
  filters: Record<string, string>
  asOf: string
  generatedAt: string
}

/** Starts a spreadsheet would read as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/

/** Text that cannot run as a formula: a leading apostrophe, which spreadsheets show as text. */
export function neutralize(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s
}

/** A value as text; numbers and dates stay in their canonical form. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (Array.isArray(v)) return v.join(', ')
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/** A file name that says what and when: crosswalk-<what>-<filters>-<as of>.<ext>. */
export function fileName(what: string, parts: string[], asOf: string, ext: string): string {
  const slug = [what, ...parts]
    .filter(Boolean)
    .join('-')
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .slice(0, 120)
  const stamp = asOf.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
  return `crosswalk-${slug}-asof-${stamp}.${ext}`
}
