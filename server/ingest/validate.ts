// Turns one raw record into a typed row for its entity table, or the reasons it cannot be one.
import { isLosslessNumber, parse, stringify } from 'lossless-json'
import { entitySchemas, tombstoneSchema, type EntityName } from '../model/entities.ts'
import { formatPath } from '../config/load.ts'

export interface FieldError {
  field: string
  message: string
}

export type Validated =
  | { ok: true; key: string; row: Record<string, unknown> }
  | { ok: false; key: string | null; reason: string; errors: FieldError[] }

const knownFields = Object.fromEntries(
  Object.entries(entitySchemas).map(([e, s]) => [e, new Set(Object.keys(s.shape))]),
) as Record<EntityName, Set<string>>

export function validateRecord(entity: EntityName, text: string): Validated {
  let value: unknown
  try {
    value = parse(text)
  } catch (e) {
    return fail(null, 'malformed JSON', [{ field: '', message: `malformed JSON: ${(e as Error).message}` }])
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail(null, 'not an object', [{ field: '', message: 'expected a JSON object' }])
  const obj = value as Record<string, unknown>
  const key = typeof obj.key === 'string' && obj.key.length > 0 && obj.key.length <= 128 ? obj.key : null

  const schema = obj.deleted === true ? tombstoneSchema : entitySchemas[entity]
  const r = schema.safeParse(obj)
  if (!r.success) {
    const errors = r.error.issues.map((i) => ({
      field: formatPath(i.path),
      message: i.input === undefined && i.path.length === 1 ? 'is required' : i.message,
    }))
    return fail(key, errors.map((e) => `${e.field || 'record'}: ${e.message}`).join('; '), errors)
  }
  const extra: Record<string, unknown> = {}
  let hasExtra = false
  for (const k of Object.keys(obj)) {
    if (!knownFields[entity].has(k)) {
      extra[k] = obj[k]
      hasExtra = true
    }
  }
  const row: Record<string, unknown> = r.data
  row.deleted = row.deleted === true
  row.extra = hasExtra ? stringify(extra) : ''
  return { ok: true, key: r.data.key, row }
}

function fail(key: string | null, reason: string, errors: FieldError[]): Validated {
  return { ok: false, key, reason, errors }
}

export { isLosslessNumber }
