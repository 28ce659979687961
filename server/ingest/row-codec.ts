// The ingest hot path: one raw record to one TSV row of its entity table, or the reasons it
// cannot be one. Compiled per entity from the model spec (model/spec.ts), the same description
// the zod schemas are built from. This is the plain path; fast-line-shape.ts reads most lines
// faster and must give exactly its answers.
//
// Exact decimals without a slow parser: JSON.parse turns a number literal into a double, and a
// double read from a literal of at most 15 significant digits prints back (String(n)) as that
// same decimal value. A line with a number literal of 16 or more digits is parsed with
// lossless-json instead; so is a line with a number in exponent form, which may lie outside the
// double range (1e400 would become Infinity, and null in the extra fields).
import { isLosslessNumber, parse as losslessParse, stringify as losslessStringify } from 'lossless-json'
import { Bad, checkValue } from '../model/check.ts'
import { COMMON, ENTITY_SPECS, type EntityName, type FieldSpec } from '../model/spec.ts'
import { withLineShapes } from './fast-line-shape.ts'

export interface FieldError {
  field: string
  message: string
}

export type Encoded =
  | { ok: true; key: string; deleted: boolean; values: string }
  | { ok: false; key: string | null; reason: string; errors: FieldError[] }

/** Levels of nesting a record may have (the record itself is one): the parsers and JSON.stringify
 *  recurse, and a line nested 10,000 deep would overflow their stacks. */
export const MAX_DEPTH = 64

/**
 * What scanLine found in the line it scanned last, kept here rather than returned so that the
 * hot path makes no object per line. `inexact`: a number literal (outside strings) has 16 or
 * more digits or an exponent, so a double may not hold it exactly. `keys`: object keys at any
 * depth (a parsed record with fewer has a duplicate). `tooDeep`: nesting beyond MAX_DEPTH, and
 * then `topKey` the [start, end] of the last top-level key's quoted text before it.
 */
const scan = { inexact: false, keys: 0, tooDeep: false, topKeyStart: -1, topKeyEnd: -1 }

/** End of the string whose opening quote is at `i`: a quote after an odd run of backslashes is escaped. */
function stringEnd(s: string, i: number): number {
  let j = s.indexOf('"', i + 1)
  while (j > 0) {
    let k = j - 1
    while (s.charCodeAt(k) === 92) k--
    if ((j - 1 - k) % 2 === 0) break
    j = s.indexOf('"', j + 1)
  }
  return j
}

/**
 * One pass over a line's characters outside strings (see `scan`). A scan rather than a regex,
 * which would also have to step over strings and costs twice as much on the ingest hot path. On
 * invalid JSON the answers do not matter: either parser rejects it.
 */
function scanLine(s: string): void {
  scan.inexact = false
  scan.keys = 0
  scan.tooDeep = false
  scan.topKeyStart = -1
  let depth = 0
  const n = s.length
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c === 34 /* " */) {
      const j = stringEnd(s, i)
      if (j < 0) return
      let k = j + 1
      let d = s.charCodeAt(k)
      while (d === 32 || d === 9 || d === 10 || d === 13) d = s.charCodeAt(++k)
      if (d === 58 /* : */) {
        scan.keys++
        if (depth === 1) (scan.topKeyStart = i), (scan.topKeyEnd = j)
      }
      i = j
    } else if (c === 123 || c === 91) {
      if (++depth > MAX_DEPTH) return void (scan.tooDeep = true)
    } else if (c === 125 || c === 93) depth--
    else if (c <= 57 && (c >= 48 || c === 45)) {
      let digits = 0
      for (; i < n; i++) {
        const d = s.charCodeAt(i)
        if (d >= 48 && d <= 57) digits++
        else if (d === 101 || d === 69) scan.inexact = true
        else if (d !== 46 && d !== 45 && d !== 43) break
      }
      if (digits >= 16) scan.inexact = true
      i--
    }
  }
}

/** True when a number literal of the JSON text may not be held exactly by a double (see `scan`). */
export function hasInexactNumber(s: string): boolean {
  scanLine(s)
  return scan.inexact
}

export function parseRecord(text: string): { value: unknown; lossless: boolean } {
  if (hasInexactNumber(text)) return { value: losslessParse(text), lossless: true }
  return { value: JSON.parse(text), lossless: false }
}

/** Object keys in a parsed value, at any depth (lossless numbers are values, not objects). */
function countKeys(v: object): number {
  let n = 0
  if (Array.isArray(v)) {
    for (const x of v) if (typeof x === 'object' && x !== null && !isLosslessNumber(x)) n += countKeys(x)
    return n
  }
  for (const k in v) {
    n++
    const x = (v as Record<string, unknown>)[k]
    if (typeof x === 'object' && x !== null && !isLosslessNumber(x)) n += countKeys(x)
  }
  return n
}

/** The text of a JSON string literal (quotes included), decoded. */
function keyText(s: string, start: number, end: number): string {
  try {
    return JSON.parse(s.slice(start, end + 1)) as string
  } catch {
    return s.slice(start + 1, end)
  }
}

/** The first key that appears twice in one object of the line (its decoded name), or ''. */
export function duplicateKey(s: string): string {
  const seen: Array<Set<string> | null> = []
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 34) {
      const j = stringEnd(s, i)
      if (j < 0) return ''
      let k = j + 1
      while (/\s/.test(s[k] ?? '')) k++
      const top = seen[seen.length - 1]
      if (s.charCodeAt(k) === 58 && top) {
        const name = keyText(s, i, j)
        if (top.has(name)) return name
        top.add(name)
      }
      i = j
    } else if (c === 123) seen.push(new Set())
    else if (c === 91) seen.push(null)
    else if (c === 125 || c === 93) seen.pop()
  }
  return ''
}

/** TabSeparated escaping of a string value. */
export function tsvEscape(s: string): string {
  return /[\t\n\r\\]/.test(s) ? s.replace(/[\t\n\r\\]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\\\')) : s
}

/** Column order of an entity table's insert (system and kind first, bookkeeping last). */
export function insertColumns(entity: EntityName): string[] {
  return ['system', 'kind', ...COMMON.map((f) => f.name), ...ENTITY_SPECS[entity].map((f) => f.name), 'extra', 'observed_at', 'received_at', 'line', 'batch_uid']
}

function emptyValue(f: FieldSpec): string {
  if (f.default !== undefined) return f.default
  if (f.optional) return '\\N'
  switch (f.type.t) {
    case 'decimal': return '0'
    case 'date': return '1970-01-01'
    case 'bool': return 'false'
    default: return ''
  }
}

function encodeValue(v: string | boolean | null): string {
  if (v === null) return '\\N'
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  return tsvEscape(v)
}

const reject = (message: string): Encoded => ({ ok: false, key: null, reason: message, errors: [{ field: '', message }] })

const rejectField = (field: string, message: string, key: string | null): Encoded => ({
  ok: false,
  key,
  reason: `${field}: ${message}`,
  errors: [{ field, message }],
})

/** A record's key when it can be read: a rejected line still counts as present in a full snapshot. */
function readableKey(rec: Record<string, unknown> | null): string | null {
  const k = rec?.key
  return typeof k === 'string' && k.length > 0 && k.length <= 128 && k.isWellFormed() ? k : null
}

function duplicate(text: string, rec: Record<string, unknown> | null): Encoded {
  const name = duplicateKey(text)
  return rejectField(name, `appears more than once in the record (duplicate key '${name}')`, name === 'key' ? null : readableKey(rec))
}

/** A rejected line read with JSON.parse for its key only (numbers may be inexact there). */
function jsonObject(text: string): Record<string, unknown> | null {
  try {
    // V8's JSON.parse does not recurse, so it reads a line of any depth; the other parsers do.
    const v = JSON.parse(text) as unknown
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/** A line nested deeper than MAX_DEPTH, named by the top-level field that holds the nesting. */
function tooDeep(text: string): Encoded {
  const field = scan.topKeyStart >= 0 ? keyText(text, scan.topKeyStart, scan.topKeyEnd) : ''
  return rejectField(field, `is nested deeper than ${MAX_DEPTH} levels`, readableKey(jsonObject(text)))
}

/** A line read into a record, or its rejection. */
export type Parsed = { ok: true; rec: Record<string, unknown>; lossless: boolean } | { ok: false; rejected: Encoded }

export interface Codec {
  /** The typed columns of a record (common and entity fields, tab-separated), or errors. */
  encode(text: string): Encoded
}

/** The plain path, in steps a faster reader of the same lines can share (fast-line-shape.ts). */
export interface EntityCodec extends Codec {
  /** The field names, common ones first: positions for encodeValues. */
  readonly fields: readonly string[]
  parse(text: string): Parsed
  /** A parsed record's columns, with its unknown fields as JSON in `extra`. */
  encodeRecord(rec: Record<string, unknown>, lossless: boolean): Encoded
  /** The columns of a record of known fields only, given as values by field position. */
  encodeValues(values: readonly unknown[]): Encoded
}

/** The plain path: JSON.parse (lossless-json for inexact numbers), then each field checked. */
export function compileCodec(entity: EntityName): EntityCodec {
  const specs = [...COMMON, ...ENTITY_SPECS[entity]]
  const known = new Set(specs.map((f) => f.name))
  const tombstoneTail = ENTITY_SPECS[entity].map(emptyValue).join('\t')
  const KEY = specs.findIndex((f) => f.name === 'key')
  const DELETED = specs.findIndex((f) => f.name === 'deleted')
  // Field errors of the record being encoded: one array reused, copied only for a reject.
  const errors: FieldError[] = []

  function check(f: FieldSpec, v: unknown): string {
    if (v === undefined || v === null) {
      if (!f.optional) errors.push({ field: f.name, message: 'is required' })
      return f.name === 'deleted' ? 'false' : (f.default ?? '\\N')
    }
    const r = checkValue(f.type, v)
    if (r instanceof Bad) {
      errors.push({ field: f.name, message: r.message })
      return ''
    }
    return encodeValue(r)
  }

  /** The columns of a record whose field values are `get(i)` (i: position in `specs`). */
  function columns(get: (i: number) => unknown, extra: () => string): Encoded {
    const k = get(KEY)
    const key = typeof k === 'string' && k.length > 0 && k.length <= 128 && k.isWellFormed() ? k : null
    const tombstone = get(DELETED) === true
    errors.length = 0
    // COMMON comes first in `specs`, so a tombstone's fields are the first ones.
    const n = tombstone ? COMMON.length : specs.length
    let cols = check(specs[0], get(0))
    for (let i = 1; i < n; i++) cols += '\t' + check(specs[i], get(i))
    if (errors.length) return { ok: false, key, reason: errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors: errors.slice() }
    const row = (tombstone ? `${cols}\t${tombstoneTail}` : cols) + '\t' + extra()
    return { ok: true, key: key!, deleted: tombstone, values: row }
  }

  function extraOf(rec: Record<string, unknown>, lossless: boolean): string {
    let extra: Record<string, unknown> | null = null
    for (const k in rec) if (!known.has(k)) (extra ??= {})[k] = rec[k]
    return extra ? tsvEscape(lossless ? losslessStringify(extra)! : JSON.stringify(extra)) : ''
  }

  const codec: EntityCodec = {
    fields: specs.map((f) => f.name),
    parse(text) {
      scanLine(text)
      if (scan.tooDeep) return { ok: false, rejected: tooDeep(text) }
      const lossless = scan.inexact
      const keys = scan.keys
      let v: unknown
      try {
        v = lossless ? losslessParse(text) : JSON.parse(text)
      } catch (e) {
        const message = (e as Error).message
        if (message.startsWith('Duplicate key')) return { ok: false, rejected: duplicate(text, jsonObject(text)) }
        return { ok: false, rejected: reject(`malformed JSON: ${message}`) }
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, rejected: reject('expected a JSON object') }
      // JSON.parse keeps the last of duplicate keys and lossless-json the one of equal values:
      // either way the line said two things, and which one it meant is not ours to guess.
      if (countKeys(v) !== keys) return { ok: false, rejected: duplicate(text, v as Record<string, unknown>) }
      return { ok: true, rec: v as Record<string, unknown>, lossless }
    },
    encodeRecord: (rec, lossless) => columns((i) => rec[specs[i].name], () => extraOf(rec, lossless)),
    encodeValues: (values) => columns((i) => values[i], () => ''),
    encode(text) {
      const p = codec.parse(text)
      return p.ok ? codec.encodeRecord(p.rec, p.lossless) : p.rejected
    },
  }
  return codec
}

const codecs = new Map<EntityName, Codec>()
export function codecFor(entity: EntityName): Codec {
  let c = codecs.get(entity)
  if (!c) codecs.set(entity, (c = withLineShapes(compileCodec(entity))))
  return c
}
