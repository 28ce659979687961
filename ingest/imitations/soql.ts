// The small SOQL subset the Salesforce imitation answers, and the one the connectors need:
//   SELECT f1, Rel.f2 FROM Object [WHERE a op lit [AND ...]] [ORDER BY f [ASC|DESC], ...] [LIMIT n]
// Literals: datetimes (2026-01-01T00:00:00Z, ...+0000), dates, numbers, 'strings', true/false/null.
import { isLosslessNumber } from 'lossless-json'

export type Op = '=' | '!=' | '<' | '<=' | '>' | '>='
export interface Cond {
  field: string
  op: Op
  value: string | number | boolean | null
}
export interface SelectQuery {
  fields: string[]
  from: string
  where: Cond[]
  orderBy: { field: string; desc: boolean }[]
  limit?: number
}

const TOKEN = /\s*(>=|<=|!=|<>|[=<>,()*]|'(?:[^'\\]|\\.)*'|[^\s,()=<>!']+)/y

export function tokenize(q: string): string[] {
  const out: string[] = []
  TOKEN.lastIndex = 0
  let m: RegExpExecArray | null
  while (TOKEN.lastIndex < q.trimEnd().length && (m = TOKEN.exec(q))) out.push(m[1])
  return out
}

export class QueryError extends Error {}

/** Parses the SELECT subset; `lower` folds names (SuiteQL is case-insensitive, SOQL keeps case). */
export function parseSelect(q: string, lower = false): SelectQuery {
  const t = tokenize(q)
  let i = 0
  const kw = (w: string) => t[i]?.toUpperCase() === w
  const expect = (w: string) => {
    if (!kw(w)) throw new QueryError(`expected ${w} at '${t[i] ?? 'end'}'`)
    i++
  }
  const name = (s: string) => (lower ? s.toLowerCase() : s)
  expect('SELECT')
  const fields: string[] = []
  for (;;) {
    let f = t[i++]
    if (f === undefined) throw new QueryError('unexpected end in SELECT')
    if (t[i] === '(') {
      // a function call such as BUILTIN.DF(col), kept as one column expression
      const args: string[] = []
      i++
      while (t[i] !== ')' && i < t.length) args.push(t[i++])
      i++
      f = `${f}(${args.join('')})`
    }
    if (kw('AS')) {
      i++
      f = `${f} AS ${t[i++]}`
    }
    fields.push(name(f))
    if (t[i] !== ',') break
    i++
  }
  expect('FROM')
  const from = name(t[i++] ?? '')
  if (t[i] && !['WHERE', 'ORDER', 'LIMIT'].includes(t[i].toUpperCase())) i++ // a table alias: FROM transaction t
  const where: Cond[] = []
  if (kw('WHERE')) {
    i++
    for (;;) {
      // Grouping parentheses around AND-ed conditions carry no meaning here: skipped.
      while (t[i] === '(') i++
      const field = name(t[i++] ?? '')
      let op = t[i++] as string
      if (op === '<>') op = '!='
      if (!['=', '!=', '<', '<=', '>', '>='].includes(op)) throw new QueryError(`unsupported operator '${op}'`)
      where.push({ field, op: op as Op, value: literal(t, () => i++, () => t[i]) })
      while (t[i] === ')') i++
      if (!kw('AND')) break
      i++
    }
  }
  const orderBy: SelectQuery['orderBy'] = []
  if (kw('ORDER')) {
    i++
    expect('BY')
    for (;;) {
      const field = name(t[i++] ?? '')
      let desc = false
      if (kw('ASC') || kw('DESC')) desc = t[i++].toUpperCase() === 'DESC'
      orderBy.push({ field, desc })
      if (t[i] !== ',') break
      i++
    }
  }
  let limit: number | undefined
  if (kw('LIMIT')) {
    i++
    limit = Number(t[i++])
  }
  if (i < t.length) throw new QueryError(`unexpected '${t[i]}'`)
  return { fields, from, where, orderBy, limit }
}

function literal(t: string[], next: () => number, peek: () => string | undefined): Cond['value'] {
  const s = peek()
  if (s === undefined) throw new QueryError('missing value')
  next()
  if (s.toUpperCase() === 'TO_DATE' && t.length) {
    // SuiteQL: TO_DATE('2026-01-01 00:00:00', 'YYYY-MM-DD HH24:MI:SS'); the format is taken as ISO-like
    if (peek() !== '(') throw new QueryError('TO_DATE needs arguments')
    next()
    const v = peek() ?? ''
    while (peek() !== ')' && peek() !== undefined) next()
    next()
    return v.slice(1, -1).replace(' ', 'T') + (v.length > 13 ? 'Z' : '')
  }
  if (s.startsWith("'")) return s.slice(1, -1).replace(/\\'/g, "'")
  if (/^(true|false)$/i.test(s)) return s.toLowerCase() === 'true'
  if (/^null$/i.test(s)) return null
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s)
  return s // a date or datetime literal, compared as a time below
}

const NUMERIC = /^-?\d+(\.\d+)?$/
const TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/

/** Milliseconds of a date/datetime text (`+0000` offsets too), or undefined. */
export function timeOf(v: unknown): number | undefined {
  if (typeof v !== 'string' || !TIME.test(v)) return undefined
  const s = v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
  return Date.parse(s.length === 10 ? `${s}T00:00:00Z` : /[Z+-]\d{2}:?\d{2}$|Z$/.test(s) ? s : `${s}Z`)
}

/** Compares two native values: times as times, LosslessNumbers as numbers, else as text. */
export function compare(a: unknown, b: unknown): number {
  if (a === b) return 0
  if (a === null || a === undefined) return -1
  if (b === null || b === undefined) return 1
  const ta = timeOf(a)
  const tb = timeOf(b)
  if (ta !== undefined && tb !== undefined) return ta - tb
  if (typeof a === 'string' && typeof b === 'string' && NUMERIC.test(a) && NUMERIC.test(b)) return Number(a) - Number(b)
  const na = isLosslessNumber(a) ? Number(a.toString()) : a
  const nb = isLosslessNumber(b) ? Number(b.toString()) : b
  if (typeof na === 'number' && typeof nb === 'number') return na - nb
  if (typeof na === 'number' && typeof nb === 'string' && nb !== '' && !Number.isNaN(Number(nb))) return na - Number(nb)
  if (typeof nb === 'number' && typeof na === 'string' && na !== '' && !Number.isNaN(Number(na))) return Number(na) - nb
  return String(na) < String(nb) ? -1 : 1
}

export function matches(value: unknown, c: Cond): boolean {
  if (c.value === null) return c.op === '=' ? value == null : c.op === '!=' ? value != null : false
  if (value == null) return c.op === '!='
  const d = compare(value, c.value)
  switch (c.op) {
    case '=': return d === 0
    case '!=': return d !== 0
    case '<': return d < 0
    case '<=': return d <= 0
    case '>': return d > 0
    case '>=': return d >= 0
  }
}

export function sortRows<T>(rows: T[], orderBy: SelectQuery['orderBy'], get: (row: T, field: string) => unknown): T[] {
  if (!orderBy.length) return rows
  return [...rows].sort((x, y) => {
    for (const o of orderBy) {
      const d = compare(get(x, o.field), get(y, o.field))
      if (d !== 0) return o.desc ? -d : d
    }
    return 0
  })
}
