// SQL lives in sql/ as files; this is the only place that reads them. A file may hold a few
// directives (comment lines, expanded when it is loaded) so that SQL written once per entity,
// or shared by several files, is written once: see sql/README.md "Directives".
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ENTITY_NAMES, ENTITY_SPECS, type EntityName } from '../model/spec.ts'

export const SQL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../sql')

const cache = new Map<string, string>()

/** The text of sql/<rel>, e.g. `rules/source_stale.sql`, with its directives expanded. */
export function sqlFile(rel: string): string {
  let text = cache.get(rel)
  if (text === undefined) {
    text = expandSql(rel, readSql(rel))
    cache.set(rel, text)
  }
  return text
}

/** The file as written, directives unexpanded. */
export function rawSqlFile(rel: string): string {
  return readSql(rel)
}

/** Files of a sql/ subfolder, sorted by name. */
export function sqlFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(SQL_DIR, dir))
    .filter((f) => f.endsWith('.sql'))
    .sort()
}

/** Splits a file into statements at `;` ending a line (no statement of ours has one inside). */
export function splitStatements(text: string): string[] {
  return text
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean)
}

/**
 * Fills a `{{name}}` placeholder of a wrapper file with the text of another sql/ file (never
 * anything a caller sends), its trailing `;` dropped so that it nests as a subquery.
 */
export function wrapSql(wrapper: string, name: string, inner: string): string {
  return sqlFile(wrapper).replaceAll(`{{${name}}}`, () => inner.replace(/;\s*$/, ''))
}

function readSql(rel: string): string {
  // Only files below sql/: an include names a path of ours, but a typo must not read elsewhere.
  const file = path.resolve(SQL_DIR, rel)
  if (!file.startsWith(SQL_DIR + path.sep)) throw new Error(`${rel} is not a file under sql/`)
  return fs.readFileSync(file, 'utf8')
}

export interface Scope {
  entity?: EntityName
  field?: string
}

const DIRECTIVE = /^\s*-- @(\w+)\b\s*(.*?)\s*$/

/**
 * Expands the directives of a file:
 * - `-- @include <path>`: the text of sql/<path>, without its leading comment lines (its header),
 *   expanded as if it stood in place (inside an `@each entity` it has that entity);
 * - `-- @each entity|field [only a b | except a b]` … `-- @end`: the lines between, once per entity
 *   of server/model/spec.ts (or per own field of the enclosing entity, in spec order), with
 *   `{{entity}}` / `{{field}}` filled in; lines after an optional `-- @between` go between copies.
 * - `-- @note …`: a comment dropped on expansion (a shipped migration's text must not change).
 * Other `{{name}}` placeholders are left for wrapSql.
 */
export function expandSql(rel: string, text: string, seen: string[] = [], scope: Scope = {}): string {
  if (seen.includes(rel)) throw new Error(`sql include cycle: ${[...seen, rel].join(' -> ')}`)
  const lines = text.split('\n')
  return render(rel, lines, 0, lines.length, scope, [...seen, rel]).join('\n')
}

function render(rel: string, lines: string[], from: number, to: number, scope: Scope, seen: string[]): string[] {
  const out: string[] = []
  for (let i = from; i < to; i++) {
    const d = DIRECTIVE.exec(lines[i])
    if (!d) {
      out.push(fill(lines[i], scope))
      continue
    }
    const [, verb, arg] = d
    if (verb === 'include') {
      const body = expandSql(arg, readSql(arg), seen, scope).split('\n')
      let start = 0
      while (start < body.length && body[start].startsWith('--')) start++
      // A file ends with a newline; the directive's own line break already stands for it.
      out.push(...body.slice(start, body.at(-1) === '' ? -1 : undefined))
    } else if (verb === 'each') {
      const end = matchingEnd(rel, lines, i, to)
      const between = findBetween(lines, i + 1, end)
      const items = eachItems(rel, arg, scope)
      items.forEach((item, k) => {
        if (k > 0 && between >= 0) out.push(...render(rel, lines, between + 1, end, item, seen))
        out.push(...render(rel, lines, i + 1, between >= 0 ? between : end, item, seen))
      })
      i = end
    } else if (verb !== 'note') throw new Error(`${rel}:${i + 1}: unknown sql directive @${verb}`)
  }
  return out
}

function fill(line: string, scope: Scope): string {
  let s = line
  if (scope.entity) s = s.replaceAll('{{entity}}', scope.entity)
  if (scope.field) s = s.replaceAll('{{field}}', scope.field)
  return s
}

/** The `-- @end` closing the `-- @each` at `at`, counting nested blocks. */
function matchingEnd(rel: string, lines: string[], at: number, to: number): number {
  let depth = 0
  for (let i = at; i < to; i++) {
    const verb = DIRECTIVE.exec(lines[i])?.[1]
    if (verb === 'each') depth++
    else if (verb === 'end' && --depth === 0) return i
  }
  throw new Error(`${rel}:${at + 1}: @each without @end`)
}

/** A `-- @between` of this block (not of a nested one), or -1. */
function findBetween(lines: string[], from: number, to: number): number {
  let depth = 0
  for (let i = from; i < to; i++) {
    const verb = DIRECTIVE.exec(lines[i])?.[1]
    if (verb === 'each') depth++
    else if (verb === 'end') depth--
    else if (verb === 'between' && depth === 0) return i
  }
  return -1
}

function eachItems(rel: string, arg: string, scope: Scope): Scope[] {
  const [what, mode, ...names] = arg.split(/\s+/)
  let all: string[]
  if (what === 'entity') all = ENTITY_NAMES
  else if (what === 'field') {
    if (!scope.entity) throw new Error(`${rel}: @each field outside an @each entity`)
    all = ENTITY_SPECS[scope.entity].map((f) => f.name)
  } else throw new Error(`${rel}: @each ${what}: expected entity or field`)
  for (const n of names) if (!all.includes(n)) throw new Error(`${rel}: @each ${what}: no ${what} ${n}`)
  if (mode !== undefined && mode !== 'only' && mode !== 'except') throw new Error(`${rel}: @each ${arg}: expected only or except`)
  const picked = mode === 'only' ? all.filter((n) => names.includes(n)) : all.filter((n) => !names.includes(n))
  return picked.map((n) => (what === 'entity' ? { entity: n as EntityName } : { ...scope, field: n }))
}
