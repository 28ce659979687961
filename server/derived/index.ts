// Derived tables per storage: which SQL a read runs (the derived variant next to its history
// file, `<name>.derived.sql`, when the derived tables hold the answer for its as_of) and the
// commit hook that keeps them in step.
import type { Db } from '../db/client.ts'
import { sqlFile } from '../db/sql-files.ts'
import { onCommit } from '../ingest/batches.ts'
import { TimeEntryDerived, type DerivedNeed } from './time-entries.ts'

export { TimeEntryDerived }

const attached = new WeakMap<Db, TimeEntryDerived>()

/** Opens the derived tables of `db` and applies every later commit to them. */
export async function openDerived(db: Db, log?: (line: string) => void): Promise<TimeEntryDerived> {
  const derived = new TimeEntryDerived(db, log)
  attached.set(db, derived)
  onCommit(db, async (row, minObserved) => {
    if (row.entity !== 'time_entry') return
    const batch = { batch_uid: row.batch_uid, observed_at: row.observed_at, received_at: row.received_at, min_observed: minObserved, rows: row.accepted + row.deleted }
    // The batch is committed whatever happens here: a failed application only means reads use
    // history until a rebuild (time-entries.ts), so the ingest still answers 200.
    await derived.committed(batch).catch(() => {})
  })
  await derived.open()
  return derived
}

export function derivedOf(db: Db): TimeEntryDerived | undefined {
  return attached.get(db)
}

/** The SQL files with a derived variant, and what each variant reads. */
const VARIANTS: Record<string, DerivedNeed> = {
  'kpis/utilization': 'facts',
  'kpis/unbilled_wip': 'facts',
  'kpis/realization': 'facts',
  'kpis/gross_margin': 'facts',
  'kpis/forecast_accuracy': 'facts',
  'kpis/records/forecast_accuracy': 'facts',
  'kpis/weekly/forecast_accuracy': 'facts',
  'rules/time_entry_missing_in_erp': 'now',
  'rules/time_entry_hours_mismatch': 'now',
  'rules/unbilled_time_over_90_days': 'facts',
  'rules/invoice_amount_mismatch': 'facts',
  'rules/assignment_without_recent_time': 'facts',
  'reconciliation/psa-erp.time_entry.summary': 'facts',
  'reconciliation/erp-erp.invoice': 'facts',
  'sources/entity_counts': 'now',
}

export interface PathOptions {
  /** Read history even when the derived tables could answer (tests compare both). */
  history?: boolean
}

/**
 * `sql/<name>.derived.sql` when the derived tables can answer as of `asOf`, else null. First
 * applies every batch committed so far, so the answer is never behind history.
 */
export async function derivedFile(db: Db, name: string, asOf: string | Date, opts: PathOptions = {}): Promise<string | null> {
  const need = VARIANTS[name]
  const derived = derivedOf(db)
  if (!need || opts.history || !derived) return null
  await derived.sync()
  return derived.usable(asOf, need) ? `${name}.derived.sql` : null
}

/** The SQL to run for `sql/<name>.sql` as of `asOf`: its derived variant when it may. */
export async function sqlAsOf(db: Db, name: string, asOf: string | Date, opts: PathOptions = {}): Promise<string> {
  return sqlFile((await derivedFile(db, name, asOf, opts)) ?? `${name}.sql`)
}
