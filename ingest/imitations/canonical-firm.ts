// A firm in canonical records, read from a fixture directory laid out like
// test/fixtures/firm-small (plan.json + batches/*.ndjson). The plan is applied in observed_at
// order — a full batch replaces that (system, entity), a delta upserts or deletes by key — so the
// result is each system's current records, the same ones the ingest API would keep.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export type CanonicalRecord = Record<string, unknown> & { key: string }

export interface CanonicalFirm {
  asOf: string
  /** system → kind (crm, erp, psa, hr). */
  sources: Record<string, string>
  /** system → entity → current records. */
  records: Record<string, Record<string, CanonicalRecord[]>>
}

interface PlanStep extends BatchStep {
  batch: string
  file: string
}

export function readCanonicalFirm(dir: string): CanonicalFirm {
  const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as { as_of: string; sources: Record<string, string>; plan: PlanStep[] }
  const steps = [...new Map(plan.plan.map((s) => [s.batch, s])).values()] // the plan lists some batches twice
  const rowsOf = (s: PlanStep) => readFileSync(join(dir, 'batches', s.file), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as CanonicalRecord)
  return { asOf: plan.as_of, sources: plan.sources, records: currentRecords(steps, rowsOf) }
}

/** A batch as a fixture's plan or the demo generator lists it. */
export interface BatchStep {
  system: string
  entity: string
  mode: 'full' | 'delta'
  observed_at: string
}

/**
 * Each system's current records after `batches`, applied in observed_at order (stable: ties keep
 * their order) as the ingest API applies them. `rowsOf` reads a batch's records when its turn comes,
 * so a fixture's files are read one at a time.
 */
export function currentRecords<S extends BatchStep>(batches: readonly S[], rowsOf: (b: S) => CanonicalRecord[]): CanonicalFirm['records'] {
  const current = new Map<string, Map<string, CanonicalRecord>>()
  for (const b of [...batches].sort((x, y) => Date.parse(x.observed_at) - Date.parse(y.observed_at))) {
    const id = `${b.system}\u0000${b.entity}`
    const set = b.mode === 'full' ? new Map<string, CanonicalRecord>() : (current.get(id) ?? new Map<string, CanonicalRecord>())
    for (const r of rowsOf(b)) {
      if (r.deleted === true) set.delete(r.key)
      else set.set(r.key, r)
    }
    current.set(id, set)
  }
  const records: CanonicalFirm['records'] = {}
  for (const [id, set] of current) {
    const [system, entity] = id.split('\u0000')
    ;(records[system] ??= {})[entity] = [...set.values()]
  }
  return records
}
