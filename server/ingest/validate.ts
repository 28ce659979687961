// One raw record checked against its entity, for callers that need a yes/no with reasons
// (dead-letter replay, tests). The ingest pipeline uses the codec directly.
import type { EntityName } from '../model/entities.ts'
import { codecFor, type Encoded, type FieldError } from './row-codec.ts'

export type { FieldError }
export type Validated = Encoded

export function validateRecord(entity: EntityName, text: string): Validated {
  return codecFor(entity).encode(text)
}
