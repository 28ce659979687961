// A synthetic consulting firm for demos and tests: a CRM, an ERP, a PSA and an HR system that
// mostly agree, with discrepancies of every reconciliation rule (CONTRACT §4) planted relative to
// as_of, near misses that must not fire, and the integration traces that go with them.
// Deterministic for a (seed, scale, asOf): no clock or global randomness is read once asOf is given.
import { toBatches } from './records.ts'
import { genAccounts, genPeople, plantPeople } from './people.ts'
import { genDeals, genRateCards } from './deals.ts'
import { genBudgets, genStaffing } from './staffing.ts'
import { plantStaffing, plantTime } from './plant.ts'
import { genExpenses, genTime } from './time.ts'
import { genInvoices } from './billing.ts'
import { genTraces, toOtlp } from './traces.ts'
import { genForeign, plantBudgets, plantDuplicates, plantLoad } from './measures.ts'
import { HOUR_MS } from './rng.ts'
import { RULE_NAMES, newWorld, type RuleName } from './world.ts'

export const DEMO_SEED = 7

export interface DemoBatch {
  system: string
  entity: string
  mode: 'full' | 'delta'
  /** ISO-8601 with Z. */
  observed_at: string
  records: Record<string, unknown>[]
}

export interface DemoFirm {
  as_of: string
  sources: Record<string, 'crm' | 'erp' | 'psa' | 'hr'>
  /** In ingest order. */
  batches: DemoBatch[]
  /** One OTLP/HTTP JSON body: `{resourceSpans: [...]}`. */
  traces: object
  /** Entity keys each rule should report as of `as_of` (sorted): the exceptions a detector must find. */
  planted: Record<RuleName, string[]>
  /** Keys built to sit just inside a rule's allowance; a detector that reports them is wrong. */
  near_misses: Record<string, string[]>
}

export const DEMO_SOURCES = { salesforce: 'crm', netsuite: 'erp', kantata: 'psa', workday: 'hr' } as const

export function generateFirm(opts: { scale?: number; asOf?: Date; seed?: number } = {}): DemoFirm {
  // Below half size there are too few projects and people to plant every rule.
  const scale = Math.max(0.5, opts.scale ?? 1)
  // Without an explicit as_of the demo is "now", on the hour, so repeated loads within an hour match.
  const asOf = opts.asOf?.getTime() ?? Math.floor(Date.now() / HOUR_MS) * HOUR_MS
  const w = newWorld(opts.seed ?? DEMO_SEED, scale, asOf)

  // Order matters: each step reads what the previous ones decided (people before staffing,
  // staffing before time, time before invoices, everything before traces).
  genAccounts(w)
  genPeople(w)
  plantPeople(w)
  genDeals(w)
  genRateCards(w)
  genStaffing(w)
  genBudgets(w)
  plantStaffing(w)
  genTime(w)
  genExpenses(w)
  plantTime(w)
  genInvoices(w)
  genTraces(w)
  // Last, so that every draw before stays as it was and the measures read the final records.
  genForeign(w)
  plantDuplicates(w)
  plantBudgets(w)
  plantLoad(w)
  // Workday's newest batch is 30 h old (see newWorld): the stale source.
  w.planted.source_stale.push('workday')

  const planted = Object.fromEntries(RULE_NAMES.map((r) => [r, [...new Set(w.planted[r])].sort()])) as Record<RuleName, string[]>
  return {
    as_of: new Date(asOf).toISOString(),
    sources: { ...DEMO_SOURCES },
    batches: toBatches(w),
    traces: toOtlp(w),
    planted,
    near_misses: w.nearMisses,
  }
}
