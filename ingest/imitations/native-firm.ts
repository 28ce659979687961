// nativeFirm: one canonical firm → each vendor's native records, so that a connector reading an
// imitation reads the firm back. Which fixture system feeds which vendor (by name first, then kind):
//   salesforce ← the crm system (account, opportunity)
//   netsuite   ← the erp system (account, project, rate_card, time_entry, expense, invoice;
//                employees for lookups, named from the hr system)
//   workday    ← the hr system (resource)
//   kantata    ← the psa system (project, resource, assignment, time_entry, expense)
//   dynamics   ← erp for project, rate_card, time_entry, expense, invoice; psa for resource, assignment
//   harvest    ← psa for project, resource, assignment, time_entry, expense; erp for invoice
// A record's `updated_at`, when absent, becomes `modifiedAt` (default the firm's as_of): every
// vendor stamps a modification time, so read-back records carry one the canonical firm lacks.
import type { CanonicalFirm } from './canonical-firm.ts'
import type { DynamicsData } from './dynamics.ts'
import type { HarvestData } from './harvest.ts'
import type { KantataData } from './kantata.ts'
import type { NetSuiteData } from './netsuite.ts'
import type { SalesforceData } from './salesforce.ts'
import type { WorkdayRow } from './workday.ts'
import { dynamicsNative } from './native/dynamics.ts'
import { harvestNative } from './native/harvest.ts'
import { kantataNative } from './native/kantata.ts'
import { netsuiteNative } from './native/netsuite.ts'
import { salesforceNative } from './native/salesforce.ts'
import type { Feed } from './native/shared.ts'
import { workdayNative } from './native/workday.ts'

export interface NativeFirm {
  salesforce: SalesforceData
  netsuite: NetSuiteData
  dynamics: DynamicsData
  workday: { Report_Entry: WorkdayRow[] }
  kantata: KantataData
  harvest: HarvestData
  /** Values a vendor cannot hold exactly (hours in whole minutes), one line each. */
  losses: string[]
  /** The fixture system each vendor's data came from, by kind. */
  from: { crm?: string; erp?: string; psa?: string; hr?: string }
}

export interface NativeFirmOptions {
  modifiedAt?: string
  /** Kantata's local UTC offset in minutes (default −480, US Pacific standard time). */
  kantataOffsetMinutes?: number
}

const VENDOR_OF_KIND: Record<string, string> = { crm: 'salesforce', erp: 'netsuite', psa: 'kantata', hr: 'workday' }

export function nativeFirm(firm: CanonicalFirm, opts: NativeFirmOptions = {}): NativeFirm {
  const pick = (kind: string) => {
    const of = Object.entries(firm.sources).filter(([, k]) => k === kind).map(([s]) => s)
    return of.find((s) => s === VENDOR_OF_KIND[kind]) ?? of[0]
  }
  const losses: string[] = []
  const feed = (system: string | undefined): Feed => ({ get: (entity) => (system ? (firm.records[system]?.[entity] ?? []) : []), lost: (n) => losses.push(n) })
  const from = { crm: pick('crm'), erp: pick('erp'), psa: pick('psa'), hr: pick('hr') }
  const at = opts.modifiedAt ?? firm.asOf
  const [crm, erp, psa, hr] = [feed(from.crm), feed(from.erp), feed(from.psa), feed(from.hr)]
  return {
    salesforce: salesforceNative(crm, at),
    netsuite: netsuiteNative(erp, hr.get('resource'), at),
    dynamics: dynamicsNative(erp, psa, at),
    workday: workdayNative(hr),
    kantata: kantataNative(psa, at, opts.kantataOffsetMinutes),
    harvest: harvestNative(psa, erp, at),
    losses,
    from,
  }
}
