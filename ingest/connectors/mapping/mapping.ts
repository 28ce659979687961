// The shipped mappings (ingest/connectors/mappings/<type>/<entity>.json) and a firm's overrides
// of them, plus what a reader needs to know from a mapping: every native path it reads, and a
// text table for `crosswalk connectors show TYPE`.
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { z } from 'zod'
import { COMMON, ENTITY_SPECS, type EntityName } from '../../../server/model/spec.ts'
import { exprPaths } from './evaluate.ts'
import { LOCATIONS, mappingSchema, overrideSchema, type Expr, type Mapping, type MappingType } from './schema.ts'

/** Bundled with the code, so found relative to this module whatever the working directory. */
const MAPPINGS_DIR = fileURLToPath(new URL('../mappings/', import.meta.url))

export class MappingError extends Error {
  constructor(readonly issues: string[]) {
    super(issues.join('; '))
  }
}

function issuesAt(at: string, error: z.ZodError): string[] {
  return error.issues.map((i) => `${[at, ...i.path.map(String)].filter(Boolean).join('.')}: ${i.message}`)
}

/** Checks a mapping's fields name canonical fields of its entity. */
function fieldIssues(entity: EntityName, fields: Record<string, unknown>, at: string): string[] {
  const names = [...COMMON, ...ENTITY_SPECS[entity]].map((f) => f.name).filter((n) => n !== 'native_id')
  return Object.keys(fields)
    .filter((f) => !names.includes(f))
    .map((f) => `${at}.fields.${f}: not a field of ${entity} (${names.join(', ')})`)
}

export function parseMapping(json: unknown, at = 'mapping'): Mapping {
  const r = mappingSchema.safeParse(json)
  if (!r.success) throw new MappingError(issuesAt(at, r.error))
  const bad = fieldIssues(r.data.entity, r.data.fields, at)
  if (bad.length) throw new MappingError(bad)
  return r.data
}

/** Types and entities with a shipped mapping, read from the folder. */
export function shippedMappings(): Array<{ type: MappingType; entity: EntityName }> {
  return fs
    .readdirSync(MAPPINGS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      fs.readdirSync(MAPPINGS_DIR + d.name).filter((f) => f.endsWith('.json')).sort()
        .map((f) => ({ type: d.name as MappingType, entity: f.slice(0, -5) as EntityName })),
    )
    .sort((a, b) => a.type.localeCompare(b.type))
}

export function loadMapping(type: MappingType, entity: EntityName): Mapping {
  const file = `${MAPPINGS_DIR}${type}/${entity}.json`
  if (!fs.existsSync(file)) throw new MappingError([`${type} has no shipped mapping for ${entity}`])
  return parseMapping(JSON.parse(fs.readFileSync(file, 'utf8')), `${type}/${entity}.json`)
}

/**
 * The shipped mapping with the config's `entities.<entity>` applied: a field replaces the
 * shipped one (`null` drops it); a source naming a location (object, table, …) replaces the
 * shipped source, one with only `where`/`include`/`columns` refines it. Errors name the path.
 */
export function mergeMapping(shipped: Mapping, override: unknown, at = `connector.entities.${shipped.entity}`): Mapping {
  if (override === undefined || override === null) return shipped
  const r = overrideSchema.safeParse(override)
  if (!r.success) throw new MappingError(issuesAt(at, r.error))
  const o = r.data
  const bad = fieldIssues(shipped.entity, o.fields ?? {}, at)
  if (bad.length) throw new MappingError(bad)
  const fields: Record<string, Expr> = { ...shipped.fields }
  const unmapped = { ...shipped.unmapped }
  for (const [f, e] of Object.entries(o.fields ?? {})) {
    if (e === null) delete fields[f]
    else {
      fields[f] = e
      delete unmapped[f]
    }
  }
  if (o.fields && 'key' in o.fields && o.fields.key === null) throw new MappingError([`${at}.fields.key: every record needs a key`])
  const source = !o.source ? shipped.source : LOCATIONS.some((l) => o.source![l]) ? o.source : { ...shipped.source, ...o.source }
  return { ...shipped, source, fields, unmapped, lookup_only: o.lookup_only ?? shipped.lookup_only }
}

/**
 * Every native path the mapping reads, in order, once: the reader selects, includes or expands
 * them (SOQL field list, SuiteQL columns, Kantata include, OData $select/$expand). A dotted
 * path's first segment is the association to include; `custom_fields.X` is the custom field X.
 */
export function columnsOf(mapping: Mapping): string[] {
  const paths = [
    ...exprPaths(mapping.native_id),
    ...(mapping.modified ? [mapping.modified] : []),
    ...Object.values(mapping.fields).flatMap(exprPaths),
  ]
  return [...new Set(paths)]
}

/** The native side of an expression, for tables. */
export function nativeText(e: Expr): string {
  if (typeof e === 'string') return e
  if ('const' in e) return `(constant ${JSON.stringify(e.const)})`
  if ('concat' in e) return e.concat.join(' + ')
  return e.path
}

/** What happens to the value on the way: transform, map, default, reference. */
export function transformText(e: Expr): string {
  if (typeof e === 'string' || 'const' in e) return ''
  if ('concat' in e) return `joined with ${JSON.stringify(e.sep ?? ' ')}`
  const parts: string[] = []
  if ('ref' in e) parts.push(`native id of ${e.ref} → its key`)
  if (e.map) parts.push(`map ${Object.entries(e.map).map(([k, v]) => `${k}→${v === null ? '(empty)' : v}`).join(', ')}`)
  if (e.as === 'money_minor') parts.push(`money_minor ÷ ${e.base}`)
  else if (e.as) parts.push(e.as + (e.format ? ` (${e.format})` : '') + (e.tz ? ` in ${e.tz}` : ''))
  if (e.default !== undefined) parts.push(`default ${JSON.stringify(e.default)}`)
  return parts.join('; ')
}

export function sourceText(m: Mapping): string {
  const s = m.source
  const where = LOCATIONS.filter((l) => s[l]).map((l) => `${l} ${s[l]}`)
  if (s.where) where.push(`where ${s.where}`)
  if (s.include?.length) where.push(`include ${s.include.join(', ')}`)
  if (s.columns) where.push(`columns ${Object.entries(s.columns).map(([a, c]) => `${a} = ${c}`).join(', ')}`)
  return where.join('; ')
}

/** Rows of canonical field, native field, transform: mapped fields in the entity's order, then unmapped. */
export function mappingRows(m: Mapping): Array<[string, string, string]> {
  const rows: Array<[string, string, string]> = [['native_id', nativeText(m.native_id), transformText(m.native_id)]]
  const order = [...COMMON, ...ENTITY_SPECS[m.entity]].map((f) => f.name)
  for (const f of order) {
    if (m.fields[f]) rows.push([f, nativeText(m.fields[f]), transformText(m.fields[f])])
    else if (m.unmapped?.[f]) rows.push([f, '—', `not mapped: ${m.unmapped[f]}`])
  }
  return rows
}

/** A plain-text table for `crosswalk connectors show TYPE`. */
export function describeMapping(m: Mapping): string {
  const rows: Array<[string, string, string]> = [['canonical', 'native', 'transform'], ...mappingRows(m)]
  const w = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)))
  const lines = rows.map((r) => `${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2]}`.trimEnd())
  const head = `${m.type} ${m.entity}${m.lookup_only ? ' (lookup only: read to resolve references, never sent)' : ''}\nsource: ${sourceText(m)}\nincremental cursor: ${m.modified ?? 'none (full listings only)'}`
  return [head, '', lines[0], lines.slice(1).join('\n'), ...(m.notes?.length ? ['', ...m.notes.map((n) => `⚠ ${n}`)] : [])].join('\n')
}
