// Evaluates a mapping on one native record (CONTRACT §8 "Field expressions"): read the path;
// missing, null or "" → default (or empty); else `map`, then `as`. Reference fields are left
// for the runner, which knows the keys of the targets: resolveRefs fills them, never falling
// back to the native id.
import type { EntityName } from '../../../server/model/spec.ts'
import type { Expr, Mapping, PathExpr, Scalar } from './schema.ts'
import {
  Reject, dateInTz, divideDecimal, hoursFromHhmm, scalarText, toBool, toDate, toDatetime, toDecimal,
} from './transforms.ts'

export type CanonicalValue = string | boolean
export type CanonicalRecord = Record<string, CanonicalValue>
/** A reference still to resolve: the field means the `key` of `entity` whose native id is `nativeId`. */
export interface PendingRef { field: string; entity: EntityName; nativeId: string }
export type MapResult =
  | { ok: true; record: CanonicalRecord; nativeId: string; refs: PendingRef[] }
  | { ok: false; field: string; message: string }

/** The tenant's settings that apply to every date: NetSuite's `date_format`, a zone for local times. */
export interface MapContext { format?: string; tz?: string }

const MISSING = Symbol('missing')

/**
 * The value at a dotted path. A literal key wins over walking (Bulk API CSV columns are named
 * `Account.Name`; OData annotations contain dots). `custom_fields.X` also reads a top-level `X`
 * for vendors whose custom fields are ordinary columns (Salesforce `__c`, NetSuite `cust…`).
 */
export function readPath(record: unknown, path: string): unknown {
  return pathReader(path)(record)
}

const hasKey = (o: unknown, k: string) => o !== null && typeof o === 'object' && Object.hasOwn(o, k)

type Reader = (record: unknown) => unknown
/** Compiled readers by path: the prefixes a walk tries are joined once, not per record. */
const readers = new Map<string, Reader>()

/** readPath for one path, compiled: the same lookups as walking it, without building keys. */
export function pathReader(path: string): Reader {
  let r = readers.get(path)
  if (r) return r
  const segments = path.split('.')
  const n = segments.length
  // keys[start][end] = segments start..end-1 joined with dots.
  const keys = segments.map((_, start) => segments.map((__, i) => (i < start ? '' : segments.slice(start, i + 1).join('.'))))
  const walk = (o: unknown, start: number): unknown => {
    if (o === null || typeof o !== 'object') return MISSING
    const row = keys[start]
    for (let end = n - 1; end >= start; end--) {
      const key = row[end]
      if (!Object.hasOwn(o, key)) continue
      const v = (o as Record<string, unknown>)[key]
      if (end === n - 1) return v
      const rest = walk(v, end + 1)
      if (rest !== MISSING) return rest
    }
    return MISSING
  }
  const custom = path.startsWith('custom_fields.') && n > 1
  r =
    n === 1
      ? (o) => (hasKey(o, path) ? (o as Record<string, unknown>)[path] : undefined)
      : (o) => {
          let v = walk(o, 0)
          if (v === MISSING && custom && !hasKey(o, 'custom_fields')) v = walk(o, 1)
          return v === MISSING ? undefined : v
        }
  readers.set(path, r)
  return r
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === ''

function describe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v)
}

class FieldError extends Error {
  constructor(readonly field: string, message: string) {
    super(message)
  }
}

/** One expression, compiled: its value on a record, undefined for empty. Throws FieldError naming field, path and value. */
type Compiled = (native: unknown, mapping: Mapping, ctx: MapContext) => Scalar | CanonicalValue | undefined

function compile(field: string, expr: Expr): Compiled {
  const e = typeof expr === 'string' ? { path: expr } : expr
  if ('const' in e) {
    const c = e.const ?? undefined
    return () => c
  }
  if ('concat' in e) {
    const reads = e.concat.map(pathReader)
    return (native) => {
      const parts = reads.map((read) => read(native)).filter((v) => !isEmpty(v))
      try {
        return parts.length ? parts.map(scalarText).join(e.sep ?? ' ') : undefined
      } catch (err) {
        throw new FieldError(field, `${field} ← ${e.concat.join(' + ')}: ${(err as Error).message}`)
      }
    }
  }
  const read = pathReader(e.path)
  const base = typeof e.base === 'string' ? pathReader(e.base) : undefined
  return (native, mapping, ctx) => {
    const raw = read(native)
    if (isEmpty(raw)) return e.default ?? undefined
    try {
      let v: unknown = raw
      if (e.map) {
        const code = scalarText(raw)
        if (!Object.hasOwn(e.map, code))
          throw new Reject(`code ${describe(raw)} is not mapped (known: ${Object.keys(e.map).join(', ')})`)
        v = e.map[code]
        if (v === null) return undefined
      }
      return transform(e, v, native, mapping, ctx, base)
    } catch (err) {
      if (!(err instanceof Reject)) throw err
      const why = err.message.includes(describe(raw)) ? err.message : `${describe(raw)}: ${err.message}`
      throw new FieldError(field, `${field} ← ${e.path}: ${why}`)
    }
  }
}

function transform(e: PathExpr, v: unknown, native: unknown, mapping: Mapping, ctx: MapContext, baseAt?: Reader): CanonicalValue {
  const format = e.format ?? ctx.format ?? mapping.defaults?.format
  const tz = e.tz ?? ctx.tz ?? mapping.defaults?.tz
  switch (e.as) {
    case undefined:
      if (typeof v === 'string' || typeof v === 'boolean') return v
      return scalarText(v)
    case 'string':
      return scalarText(v)
    case 'decimal':
      return toDecimal(v)
    case 'money_minor': {
      if (e.base === undefined) throw new Reject('money_minor needs base')
      const base = typeof e.base === 'number' ? e.base : baseAt ? baseAt(native) : readPath(native, e.base)
      if (isEmpty(base)) throw new Reject(`no base at ${e.base}`)
      const divisor = toDecimal(base)
      if (!(Number(divisor) > 0)) throw new Reject(`base ${divisor} is not positive`)
      return divideDecimal(toDecimal(v), divisor, true)
    }
    case 'hours_from_minutes':
      return divideDecimal(toDecimal(v), '60', false)
    case 'hours_from_hhmm':
      return hoursFromHhmm(v)
    case 'date':
      return toDate(v, format)
    case 'datetime':
      return toDatetime(v, format, tz)
    case 'date_in_tz':
      return dateInTz(v, tz, format)
    case 'bool':
      return toBool(v)
  }
}

interface CompiledMapping {
  nativeId: Compiled
  fields: Array<{ field: string; run: Compiled; ref?: EntityName }>
}

/** Each mapping's expressions compiled once (a mapping is not changed once in use). */
const compiled = new WeakMap<Mapping, CompiledMapping>()

function compiledOf(mapping: Mapping): CompiledMapping {
  let c = compiled.get(mapping)
  if (!c) {
    c = {
      nativeId: compile('native_id', mapping.native_id),
      fields: Object.entries(mapping.fields).map(([field, e]) => ({
        field, run: compile(field, e), ...(typeof e === 'object' && 'ref' in e ? { ref: e.ref } : {}),
      })),
    }
    compiled.set(mapping, c)
  }
  return c
}

/** Maps one native record. Fields with no value are left out (the ingest schema applies defaults). */
export function mapRecord(mapping: Mapping, native: unknown, ctx: MapContext = {}): MapResult {
  const c = compiledOf(mapping)
  try {
    const id = c.nativeId(native, mapping, ctx)
    if (id === undefined) return { ok: false, field: 'native_id', message: `native_id ← ${exprPaths(mapping.native_id).join(', ')}: no value` }
    const nativeId = scalarText(id)
    const record: CanonicalRecord = { native_id: nativeId }
    const refs: PendingRef[] = []
    for (const { field, run, ref } of c.fields) {
      const v = run(native, mapping, ctx)
      if (v === undefined || v === null) continue
      if (ref !== undefined) refs.push({ field, entity: ref, nativeId: scalarText(v) })
      else record[field] = typeof v === 'number' ? scalarText(v) : v
    }
    return { ok: true, record, nativeId, refs }
  } catch (err) {
    if (err instanceof FieldError) return { ok: false, field: err.field, message: err.message }
    throw err
  }
}

/**
 * Fills reference fields with their targets' keys. `lookup` answers the key of the record of
 * `entity` with that native id in the same source. A missing target fails the record.
 */
export function resolveRefs(
  record: CanonicalRecord,
  refs: readonly PendingRef[],
  lookup: (entity: EntityName, nativeId: string) => string | undefined,
): { ok: true; record: CanonicalRecord } | { ok: false; field: string; message: string } {
  const out = { ...record }
  for (const r of refs) {
    const key = lookup(r.entity, r.nativeId)
    if (key === undefined || key === '')
      return { ok: false, field: r.field, message: `${r.field}: no ${r.entity} with native id ${JSON.stringify(r.nativeId)} in this source (yet)` }
    out[r.field] = key
  }
  return { ok: true, record: out }
}

/** Every native path an expression reads. */
export function exprPaths(e: Expr): string[] {
  if (typeof e === 'string') return [e]
  if ('const' in e) return []
  if ('concat' in e) return [...e.concat]
  return typeof e.base === 'string' ? [e.path, e.base] : [e.path]
}
