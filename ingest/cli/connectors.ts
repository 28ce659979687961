// `crosswalk connectors list|show`: the connector types and their shipped mappings, read from
// the mapping files bundled with the CLI (no server needed).
import fs from 'node:fs'
import YAML from 'yaml'
import { UsageError, parse } from '../../server/cli/args.ts'
import { isEntityName } from '../../server/model/entities.ts'
import { connectorTypes } from '../connectors/types/index.ts'
import { FILE_FORMATS } from '../connectors/files/read.ts'
import { MAPPING_TYPES, MappingError, describeMapping, loadMapping, mergeMapping, shippedMappings, type MappingType } from '../connectors/mapping/index.ts'
import type { EntityName } from '../../server/model/spec.ts'

export const HELP = `Usage: crosswalk connectors list
       crosswalk connectors show TYPE [ENTITY] [--mapping FILE]

list   the connector types, the source kinds each can be, the entities each feeds (lookup-only
       ones are read to resolve references, never sent), and the native file format of each.
show   the shipped mapping of TYPE (every entity, or ENTITY): where it is read from, the
       incremental cursor, and per canonical field the native field and its transform, with
       what a live tenant must confirm (⚠). --mapping FILE shows it with the overrides of FILE
       applied (the config's connector.entities.<entity> shape, YAML or JSON).

TYPE is one of ${MAPPING_TYPES.join(', ')}. Override a mapping in the server's config, under
sources[].connector.entities.<entity>.fields (see docs/connectors/).`

export async function run(argv: string[]) {
  const { values, positionals } = parse(argv, { mapping: { type: 'string' } }, true)
  const [action, type, entity, ...extra] = positionals
  if (action === 'list') {
    if (type) throw new UsageError(`unexpected argument '${type}'`)
    console.log(listText())
  } else if (action === 'show') {
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`)
    let overrides: Record<string, unknown> | undefined
    if (values.mapping) {
      if (!fs.existsSync(values.mapping)) throw new UsageError(`no such file: ${values.mapping}`)
      overrides = YAML.parse(fs.readFileSync(values.mapping, 'utf8')) ?? {}
    }
    console.log(showText(type, entity, overrides))
  } else throw new UsageError(`connectors needs list or show${action ? `, not '${action}'` : ''}`)
}

export function listText(): string {
  const shipped = shippedMappings()
  const rows = MAPPING_TYPES.map((t) => {
    const feeds = shipped.filter((m) => m.type === t).map((m) => (loadMapping(t, m.entity).lookup_only ? `${m.entity} (lookup only)` : m.entity))
    const format = Object.entries(FILE_FORMATS).find(([, f]) => f.type === t)?.[0] ?? '-'
    return [t, connectorTypes[t].kinds.join(', '), format, feeds.join(', ')]
  })
  const head = ['type', 'kinds', 'file format', 'entities']
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  return [head, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]))).join('  ')).join('\n') +
    `\n\nShow a type's mappings: crosswalk connectors show TYPE [ENTITY]`
}

export function showText(type: string | undefined, entity?: string, overrides?: Record<string, unknown>): string {
  if (!type || !(MAPPING_TYPES as readonly string[]).includes(type)) throw new UsageError(`connectors show needs a TYPE: one of ${MAPPING_TYPES.join(', ')}`)
  const t = type as MappingType
  const feeds = shippedMappings().filter((m) => m.type === t).map((m) => m.entity)
  if (entity !== undefined && (!isEntityName(entity) || !feeds.includes(entity))) throw new UsageError(`${t} has no mapping for '${entity}'; it maps ${feeds.join(', ')}`)
  const entities = entity ? [entity as EntityName] : feeds
  const perEntity = overrides && 'entities' in overrides ? (overrides.entities as Record<string, unknown>) : overrides && entity ? { [entity]: overrides } : {}
  return entities
    .map((e) => {
      try {
        return describeMapping(mergeMapping(loadMapping(t, e), perEntity[e], `--mapping entities.${e}`))
      } catch (err) {
        if (err instanceof MappingError) throw new UsageError(err.message)
        throw err
      }
    })
    .join('\n\n' + '-'.repeat(72) + '\n\n')
}
