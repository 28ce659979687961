// The canonical entities of CONTRACT §2 as zod schemas, built from spec.ts: the types shared by
// ingest, server and web. Column names in sql/migrations match the field names one to one
// (test/model.int.test.ts checks it).
import { z } from 'zod'
import { Bad, checkValue } from './check.ts'
import { COMMON, ENTITY_SPECS, ENTITY_NAMES, type EntityName, type FieldSpec, type FieldType } from './spec.ts'

export { ENTITY_NAMES, type EntityName }
export const SOURCE_KINDS = ['crm', 'erp', 'psa', 'hr'] as const
export type SourceKind = (typeof SOURCE_KINDS)[number]

type Value<T extends FieldType> = T extends { t: 'bool' } ? boolean : string

function fieldSchema(f: FieldSpec) {
  const base = z.unknown().transform((v, ctx) => {
    if (v === undefined || v === null) {
      if (!f.optional) ctx.addIssue({ code: 'custom', message: 'is required' })
      return (f.default ?? null) as never
    }
    const r = checkValue(f.type, v)
    if (r instanceof Bad) {
      ctx.addIssue({ code: 'custom', message: r.message })
      return z.NEVER
    }
    return r as never
  })
  return base as unknown as z.ZodType<Value<FieldType> | null>
}

function objectSchema(specs: FieldSpec[]) {
  return z.object(Object.fromEntries(specs.map((f) => [f.name, fieldSchema(f)])))
}

export const entitySchemas = Object.fromEntries(
  ENTITY_NAMES.map((e) => [e, objectSchema([...COMMON, ...ENTITY_SPECS[e]])]),
) as Record<EntityName, ReturnType<typeof objectSchema>>

/** A tombstone in a delta batch needs only the common fields. */
export const tombstoneSchema = objectSchema(COMMON)

export function isEntityName(s: string): s is EntityName {
  return Object.hasOwn(ENTITY_SPECS, s)
}

/** Field names of an entity, common ones first: the typed columns of its table. */
export function entityFields(e: EntityName): string[] {
  return [...COMMON, ...ENTITY_SPECS[e]].map((f) => f.name)
}
