// A firm's `source` override merged onto the type's default for an entity. When the override
// names another place to read (object, table, endpoint, entity set, report), none of the
// default's other keys (its where, id column, params) carry over: they belonged to that place.
import type { EntitySource } from './types.ts'

const PLACES = ['object', 'table', 'endpoint', 'entity_set', 'report'] as const

export function entitySource(defaults: Record<string, EntitySource>, entity: string, override: EntitySource | undefined): EntitySource {
  const base = defaults[entity] ?? {}
  if (!override) return { ...base }
  const moved = PLACES.some((k) => override[k] !== undefined && override[k] !== base[k])
  return moved ? { ...override } : { ...base, ...override }
}
