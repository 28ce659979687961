// An exception's details ({psa: {...}, erp: {...}, diff: {...}}) as side-by-side rows: one row per
// field, one column per system, and which rows differ. Pure.

export interface SideBySide {
  systems: string[]
  /** Systems whose record is absent (every value empty): "not found" rather than a column of dashes. */
  missing: string[]
  rows: Array<{ field: string; values: Record<string, unknown>; diff: unknown; differs: boolean }>
}

const ORDER = ['crm', 'psa', 'erp', 'hr']

function norm(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null
  if (typeof v === 'number') return String(v)
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return String(Number(v))
  // "2026-11-21 00:00:00.000" and "2026-11-21T00:00:00.000Z" are the same instant.
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(v)) {
    const t = Date.parse(v.includes('T') ? v : `${v.replace(' ', 'T')}Z`)
    if (!Number.isNaN(t)) return new Date(t).toISOString()
  }
  return typeof v === 'object' ? JSON.stringify(v) : String(v)
}

export function sideBySide(details: Record<string, Record<string, unknown> | null | undefined> | null | undefined, order: string[] = ORDER): SideBySide {
  const d = details ?? {}
  const systems = Object.keys(d)
    .filter((k) => k !== 'diff' && d[k] && typeof d[k] === 'object')
    .sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b))
  const diff = (d.diff ?? {}) as Record<string, unknown>
  const fields: string[] = []
  for (const s of systems) for (const f of Object.keys(d[s]!)) if (!fields.includes(f)) fields.push(f)
  for (const f of Object.keys(diff)) if (!fields.includes(f)) fields.push(f)
  const rows = fields.map((field) => {
    const values: Record<string, unknown> = {}
    for (const s of systems) values[s] = d[s]![field]
    const present = systems.filter((s) => field in d[s]!)
    const normalized = present.map((s) => norm(d[s]![field]))
    // A field differs when the systems that carry it disagree (one side empty counts: the
    // record is missing there), or when the server computed a difference for it.
    const differs = field in diff || (present.length > 1 && new Set(normalized).size > 1)
    return { field, values, diff: diff[field], differs }
  })
  const empty = (v: unknown) => v === null || v === undefined || v === ''
  const missing = systems.filter((s) => Object.values(d[s]!).every(empty))
  // Rows with nothing in any system say nothing; differing fields first, so the reason for the
  // exception is the first thing read.
  const shown = rows.filter((r) => r.diff !== undefined || systems.some((s) => !empty(r.values[s])))
  shown.sort((a, b) => Number(b.differs) - Number(a.differs))
  return { systems, missing, rows: shown }
}
