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

interface PlanStep { system: string; entity: string; mode: 'full' | 'delta'; batch: string; observed_at: string; file: string }

export function readCanonicalFirm(dir: string): CanonicalFirm {
  const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as { as_of: string; sources: Record<string, string>; plan: PlanStep[] }
  const steps = [...new Map(plan.plan.map((s) => [s.batch, s])).values()] // the plan lists some batches twice
  steps.sort((a, b) => Date.parse(a.observed_at) - Date.parse(b.observed_at)) // stable: ties keep plan order
  const current = new Map<string, Map<string, CanonicalRecord>>()
  for (const s of steps) {
    const id = `${s.system}\u0000${s.entity}`
    const rows = readFileSync(join(dir, 'batches', s.file), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as CanonicalRecord)
    const set = s.mode === 'full' ? new Map<string, CanonicalRecord>() : (current.get(id) ?? new Map<string, CanonicalRecord>())
    for (const r of rows) {
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
  return { asOf: plan.as_of, sources: plan.sources, records }
}
