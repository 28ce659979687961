// Native records → canonical NDJSON lines for the ingest API, with the shipped mapping (and the
// firm's overrides). References by native id resolve through lookup tables built from other
// files (or the file itself, for an entity referring to its own kind).
//
// A record the mapping rejects is still sent, so the server's dead-letter store holds it: the
// ingest API has no "already rejected" marker, so the line is built to fail validation on
// exactly the field the mapping could not fill. Each failing canonical field holds an object,
// `{"mapping_error": "<why>"}`, which no canonical type accepts: the server rejects the line
// naming that field, and the dead letter's raw text keeps the reason, the native record
// (`_native`) and every field that did map (so a key that could be read still counts as present
// in a full snapshot). Fixing the mapping and re-running the file replaces it.
import type { EntityName } from '../../../server/model/spec.ts'
import { mapRecord, type CanonicalRecord, type MapContext, type Mapping, type PendingRef } from '../mapping/index.ts'

export interface FieldProblem {
  field: string
  message: string
}

export type MappedLine = { text: string; problems?: FieldProblem[] }

/** native id → key, per entity. */
export type Lookups = Map<EntityName, Map<string, string>>

export class NativeMapper {
  constructor(
    readonly mapping: Mapping,
    readonly lookups: Lookups,
    readonly ctx: MapContext = {},
  ) {}

  map(native: unknown): MappedLine {
    const m = mapRecord(this.mapping, native, this.ctx)
    if (!m.ok) return this.rejected(native, [{ field: m.field, message: m.message }])
    const { record, problems } = this.resolve(m.record, m.refs)
    if (problems.length) return this.rejected(native, problems)
    return { text: JSON.stringify(record) }
  }

  private resolve(rec: CanonicalRecord, refs: readonly PendingRef[]): { record: CanonicalRecord; problems: FieldProblem[] } {
    const record = { ...rec }
    const problems: FieldProblem[] = []
    for (const r of refs) {
      const table = this.lookups.get(r.entity)
      const key = table?.get(r.nativeId)
      if (key) record[r.field] = key
      else if (!table)
        problems.push({ field: r.field, message: `${r.field}: refers to ${r.entity} ${JSON.stringify(r.nativeId)} by its native id, which one file cannot resolve; pass --lookup ${r.entity}=FILE (an export of ${r.entity} in the same format)` })
      else problems.push({ field: r.field, message: `${r.field}: no ${r.entity} with native id ${JSON.stringify(r.nativeId)} in the lookup file` })
    }
    return { record, problems }
  }

  /** The line for a rejected record: what did map, each failing field as {mapping_error}, the native record. */
  private rejected(native: unknown, first: FieldProblem[]): MappedLine {
    const problems = [...first]
    let mapping = this.mapping
    let partial: CanonicalRecord = {}
    // Drop each failing field in turn until the rest maps, so every problem is named at once.
    for (let guard = 0; guard < 64; guard++) {
      for (const p of problems) mapping = without(mapping, p.field)
      const m = mapRecord(mapping, native, this.ctx)
      if (!m.ok) {
        if (problems.some((p) => p.field === m.field)) break
        problems.push({ field: m.field, message: m.message })
        continue
      }
      const r = this.resolve(m.record, m.refs)
      partial = r.record
      for (const p of r.problems) if (!problems.some((q) => q.field === p.field)) problems.push(p)
      break
    }
    if (problems.some((p) => p.field === 'native_id')) delete partial.native_id
    const line: Record<string, unknown> = { ...partial }
    for (const p of problems) line[p.field] = { mapping_error: p.message }
    line._mapping_errors = problems
    line._native = native
    return { text: JSON.stringify(line), problems }
  }
}

function without(m: Mapping, field: string): Mapping {
  if (field === 'native_id') return { ...m, native_id: { const: '-' } }
  if (!Object.hasOwn(m.fields, field)) return m
  const fields = { ...m.fields }
  delete fields[field]
  return { ...m, fields }
}

/** The entities a mapping refers to by native id. */
export function refTargets(m: Mapping): EntityName[] {
  return [...new Set(Object.values(m.fields).flatMap((e) => (typeof e === 'object' && 'ref' in e ? [e.ref as EntityName] : [])))]
}

/** Only what a lookup needs from the target's records: native id and key. */
export function keyMapping(m: Mapping): Mapping {
  return { ...m, fields: m.fields.key ? { key: m.fields.key } : {} }
}
