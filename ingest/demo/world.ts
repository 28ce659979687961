// The demo firm's internal model: what actually happened, before it is copied (imperfectly) into
// each system's records. Every system-specific divergence is a field here, so that the plants
// and the record writers agree on one source of truth.
import { Rng, dayOf } from './rng.ts'

export const RULE_NAMES = [
  'won_opportunity_without_project', 'project_missing_in_erp', 'project_missing_in_psa',
  'time_entry_missing_in_erp', 'time_entry_hours_mismatch', 'assignment_rate_mismatch',
  'assignment_terminated_resource', 'assignment_on_closed_project', 'assignment_without_recent_time',
  'invoice_amount_mismatch', 'unbilled_time_over_90_days', 'resource_cost_rate_mismatch',
  'resource_missing_in_psa', 'transaction_failed', 'source_stale', 'duplicate_time_entry',
  'project_over_budget', 'resource_overallocated',
] as const
export type RuleName = (typeof RULE_NAMES)[number]

export const PRACTICES = ['Strategy', 'Data & AI', 'Technology', 'Finance Transformation'] as const
export const REGIONS = ['NA', 'EMEA', 'APAC'] as const

/** Roles in seniority order with the firm's standard bill rate, cost rate and utilization target. */
export const ROLES = [
  { name: 'Partner', rate: 450, cost: 210, util: 0.6, share: 0.07 },
  { name: 'Director', rate: 375, cost: 170, util: 0.72, share: 0.08 },
  { name: 'Manager', rate: 300, cost: 130, util: 0.86, share: 0.17 },
  { name: 'Senior Consultant', rate: 225, cost: 100, util: 0.92, share: 0.24 },
  { name: 'Consultant', rate: 175, cost: 80, util: 0.93, share: 0.26 },
  { name: 'Analyst', rate: 125, cost: 60, util: 0.92, share: 0.18 },
] as const

export interface Account { key: string; name: string; region: string }

export interface Person {
  key: string; name: string; email: string; practice: string; region: string; role: number
  employment: 'employee' | 'contractor'; hire: number; term: number | null; capacity: number
  costCents: number; util: number
  inPsa: boolean
  /** PSA's copy of the cost rate when it differs (null: same as HR; undefined key: absent). */
  psaCostCents?: number | null
  /** PSA has not been told about a termination. */
  psaStillActive?: boolean
  /** The currency of the cost rate, when not USD (contractors paid in their own currency). */
  currency?: string
}

export interface Opp {
  key: string; accountKey: string; name: string; stage: string; amountCents: number; close: number
  won: boolean; closed: boolean; wonAt: number | null; owner: string
}

export type Billing = 'time_and_materials' | 'fixed_fee' | 'non_billable'
export type ProjectStatus = 'planned' | 'active' | 'on_hold' | 'closed'

export interface Project {
  key: string; accountKey: string | null; oppKey: string | null; name: string
  status: ProjectStatus; psaStatus: ProjectStatus; billing: Billing
  start: number; end: number | null; practice: string; region: string; manager: string
  createdErp: number | null; createdPsa: number | null; inErp: boolean; inPsa: boolean
  budgetHours: number | null; budgetCents: number | null
  internal: boolean; holdFrom: number | null
  /** Invoicing stopped for time and expenses dated on or after this day (billing hold). */
  billingHoldFrom: number | null
  /** A month whose invoice was never raised (first day of that month). */
  missedMonth: number | null
  /** 0.85..1 multiplier on standard rates negotiated for this client. */
  discount: number
  /** The currency of the engagement and everything billed on it, when not USD. */
  currency?: string
}

export interface Card { key: string; projectKey: string; role: string; rate: number; from: number | null; to: number | null }

export interface Assignment {
  key: string; projectKey: string; resourceKey: string; role: number; start: number; end: number
  plannedHours: number; status: 'active' | 'completed' | 'cancelled'
  /** PSA's rate when it disagrees with the rate card (a plant); otherwise the card's rate. */
  rateOverride: number | null
  /** No time is logged from this day on (a plant: the consultant went quiet). */
  silentFrom: number | null
  /** Must have time exactly on this day (near miss: last time 13 days ago). */
  forceDay: number | null
  /** PSA holds no end_date (an open-ended support role); `end` is then only the model's. */
  openEnded?: boolean
}

export interface Entry {
  key: string; resourceKey: string; projectKey: string; day: number; hours: number
  billable: boolean; status: 'draft' | 'submitted' | 'approved' | 'rejected'; rate: number | null
  approvedAt: number | null
  /** State of the ERP copy: absent, in the full snapshot, or only in the later delta batch. */
  erp: 'none' | 'full' | 'delta'
  erpHours: number; invoiceKey: string | null
  /** Excluded from invoicing on purpose (left unbilled). */
  noInvoice?: boolean
  /** ERP hours fixed by the delta batch (full snapshot carries erpHoursFull). */
  erpHoursFull?: number
}

export interface Expense {
  key: string; resourceKey: string; projectKey: string; day: number; cents: number; billable: boolean
  status: 'submitted' | 'approved'; inErp: boolean; invoiceKey: string | null
}

export interface Invoice {
  key: string; accountKey: string | null; projectKey: string; date: number; periodStart: number
  periodEnd: number; cents: number; status: 'issued' | 'paid' | 'void'; paidAt: number | null
}

export interface Trace { workflow: string; entityType: string; entityKey: string; startMs: number; steps: { service: string; name: string; error?: string }[] }

export interface World {
  rng: Rng; scale: number; asOf: number; D: number; windowStart: number
  observed: { crm: number; erp: number; psa: number; hr: number; delta: number }
  accounts: Account[]; people: Person[]; opps: Opp[]; projects: Project[]; cards: Card[]
  assignments: Assignment[]; entries: Entry[]; expenses: Expense[]; invoices: Invoice[]
  traces: Trace[]
  /** ERP exchange rates (CONTRACT §2 fx_rate): units of USD for one unit of `currency`. */
  fxRates: { currency: string; day: number; rate: string }[]
  /** Extra ERP time records that are not copies of PSA entries (a duplicate the delta deletes). */
  erpStray: Entry[]
  planted: Record<RuleName, string[]>
  /** Keys of deliberate near misses, by the rule they must NOT fire. */
  nearMisses: Record<string, string[]>
  byKey: { person: Map<string, Person>; project: Map<string, Project> }
  /** The weekday whose nightly PSA-to-ERP time sync partly failed. */
  syncFailDay: number
  /** Rate cards by `project|role`, for rate look-ups by day. */
  cardIndex: Map<string, Card[]>
}

export function newWorld(seed: number, scale: number, asOf: number): World {
  const D = dayOf(asOf)
  const planted = Object.fromEntries(RULE_NAMES.map((r) => [r, [] as string[]])) as Record<RuleName, string[]>
  return {
    rng: new Rng(seed), scale, asOf, D,
    // Six months of time history, so "the last six months" KPIs are fully covered.
    windowStart: D - 182,
    observed: {
      crm: asOf - 1 * 3_600_000, erp: asOf - 2 * 3_600_000, psa: asOf - 2 * 3_600_000,
      // Workday's extract last ran 30 h ago: it is the stale source.
      hr: asOf - 30 * 3_600_000, delta: asOf - 1 * 3_600_000,
    },
    accounts: [], people: [], opps: [], projects: [], cards: [], assignments: [], entries: [],
    expenses: [], invoices: [], traces: [], fxRates: [], erpStray: [], planted, nearMisses: {},
    byKey: { person: new Map(), project: new Map() }, cardIndex: new Map(), syncFailDay: 0,
  }
}

export function nearMiss(w: World, rule: string, key: string): void {
  ;(w.nearMisses[rule] ??= []).push(key)
}

export const pad = (n: number, width: number): string => String(n).padStart(width, '0')
