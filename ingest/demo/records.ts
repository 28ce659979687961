// Writes the model out as each system's records (CONTRACT §2): same business keys, each system's
// own native ids, and the divergences the plants put in the model.
import { iso, money, ymd } from './rng.ts'
import { cardRate } from './deals.ts'
import { ROLES, pad, type Entry, type World } from './world.ts'
import type { DemoBatch } from './generate.ts'

type Rec = Record<string, unknown>

/** Drops absent optional fields instead of sending nulls, as most collectors do. */
function clean(r: Rec): Rec {
  const out: Rec = {}
  for (const k in r) if (r[k] !== null && r[k] !== undefined) out[k] = r[k]
  return out
}

const date = (d: number | null | undefined) => (d === null || d === undefined ? null : ymd(d))
const time = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : iso(ms))

/** Everything billed on a project is in its currency. */
const currencyOf = (w: World, projectKey: string): string => w.byKey.project.get(projectKey)?.currency ?? 'USD'

function timeEntry(w: World, e: Entry, native: string, hours: number, withInvoice: boolean): Rec {
  return clean({
    key: e.key, native_id: native, resource_key: e.resourceKey, project_key: e.projectKey, work_date: ymd(e.day),
    hours, billable: e.billable, status: e.status, bill_rate: e.rate, currency: e.rate === null ? null : currencyOf(w, e.projectKey),
    approved_at: time(e.approvedAt), invoice_key: withInvoice ? e.invoiceKey : null,
  })
}

export function toBatches(w: World): DemoBatch[] {
  const o = w.observed
  const batch = (system: string, entity: string, observedAt: number, records: Rec[], mode: 'full' | 'delta' = 'full'): DemoBatch =>
    ({ system, entity, mode, observed_at: iso(observedAt), records })
  return [
    batch('salesforce', 'account', o.crm, accounts(w, '001Dm0000')),
    batch('netsuite', 'account', o.erp, accounts(w, 'NSC-')),
    batch('netsuite', 'fx_rate', o.erp, fxRates(w)),
    batch('salesforce', 'opportunity', o.crm, opportunities(w)),
    batch('workday', 'resource', o.hr, resources(w, 'hr')),
    batch('kantata', 'resource', o.psa, resources(w, 'psa')),
    batch('netsuite', 'project', o.erp, projects(w, 'erp')),
    batch('kantata', 'project', o.psa, projects(w, 'psa')),
    batch('netsuite', 'rate_card', o.erp, rateCards(w)),
    batch('kantata', 'assignment', o.psa, assignments(w)),
    batch('kantata', 'time_entry', o.psa, w.entries.map((e) => timeEntry(w, e, `KT${e.key.slice(3)}`, e.hours, false))),
    batch('netsuite', 'time_entry', o.erp, erpTime(w)),
    batch('netsuite', 'invoice', o.erp, invoices(w)),
    batch('netsuite', 'expense', o.erp, expenses(w, 'erp')),
    batch('kantata', 'expense', o.psa, expenses(w, 'psa')),
    batch('netsuite', 'time_entry', o.delta, erpTimeDelta(w), 'delta'),
  ]
}

function accounts(w: World, prefix: string): Rec[] {
  return w.accounts.map((a, i) => ({ key: a.key, native_id: `${prefix}${pad(i, 6)}`, name: a.name, region: a.region, status: 'active' }))
}

/** One rate a month, on its last day, as the ERP's treasury module publishes them. */
function fxRates(w: World): Rec[] {
  return w.fxRates.map((r) => ({ key: `${r.currency}-${ymd(r.day)}`, native_id: `NSFX-${r.currency}-${ymd(r.day)}`, currency: r.currency, rate_date: ymd(r.day), rate: r.rate }))
}

function opportunities(w: World): Rec[] {
  // A deal is priced in the currency of the engagement it became.
  const currency = new Map(w.projects.filter((p) => p.oppKey && p.currency).map((p) => [p.oppKey!, p.currency!]))
  return w.opps.map((p, i) => clean({
    key: p.key, native_id: `006Dm0000${pad(i, 6)}`, account_key: p.accountKey, name: p.name, stage: p.stage,
    amount: money(p.amountCents), currency: currency.get(p.key) ?? 'USD', close_date: ymd(p.close), is_won: p.won, is_closed: p.closed,
    won_at: time(p.wonAt), owner_email: p.owner, updated_at: time(p.wonAt),
  }))
}

/** HR has everyone; PSA misses some, may not know of a leaver, and may hold another cost rate. */
function resources(w: World, system: 'hr' | 'psa'): Rec[] {
  return w.people.filter((p) => system === 'hr' || p.inPsa).map((p, i) => {
    const left = p.term !== null && p.term < w.D
    const known = system === 'hr' || !p.psaStillActive
    const cost = system === 'psa' && p.psaCostCents !== undefined ? p.psaCostCents : p.costCents
    return clean({
      key: p.key, native_id: system === 'hr' ? `WD-${100000 + i}` : `KU-${p.key}`, name: p.name, email: p.email,
      practice: p.practice, region: p.region, employment_type: p.employment,
      status: left && known ? 'terminated' : 'active', hire_date: ymd(p.hire), termination_date: known ? date(p.term) : null,
      weekly_capacity_hours: p.capacity, cost_rate: cost === null ? null : money(cost), currency: p.currency ?? 'USD',
    })
  })
}

function projects(w: World, system: 'erp' | 'psa'): Rec[] {
  return w.projects.filter((p) => (system === 'erp' ? p.inErp : p.inPsa)).map((p, i) => clean({
    key: p.key, native_id: system === 'erp' ? `NS-${4001 + i}` : `KW-${9001 + i}`, account_key: p.accountKey,
    opportunity_key: p.oppKey, name: p.name, status: system === 'erp' ? p.status : p.psaStatus, billing_type: p.billing,
    start_date: ymd(p.start), end_date: date(p.end), budget_hours: p.budgetHours,
    budget_amount: p.budgetCents === null ? null : money(p.budgetCents), currency: p.currency ?? 'USD', practice: p.practice,
    region: p.region, manager_email: p.manager, created_at: time(system === 'erp' ? p.createdErp : p.createdPsa),
  }))
}

function rateCards(w: World): Rec[] {
  return w.cards.map((c) => clean({
    key: c.key, project_key: c.projectKey, role: c.role, bill_rate: c.rate, currency: currencyOf(w, c.projectKey),
    effective_from: date(c.from), effective_to: date(c.to),
  }))
}

function assignments(w: World): Rec[] {
  return w.assignments.map((a, i) => {
    const billable = w.byKey.project.get(a.projectKey)!.billing !== 'non_billable'
    // PSA stamps the rate effective today (or on the last day of a finished assignment).
    const rate = a.rateOverride ?? cardRate(w, a.projectKey, a.role, a.status === 'completed' ? a.end : w.D)
    return clean({
      key: a.key, native_id: `KA-${70000 + i}`, project_key: a.projectKey, resource_key: a.resourceKey,
      role: ROLES[a.role].name, start_date: ymd(a.start), end_date: a.openEnded ? null : ymd(a.end), planned_hours: a.plannedHours,
      bill_rate: billable ? rate : null, currency: billable && rate !== null ? currencyOf(w, a.projectKey) : null, status: a.status,
    })
  })
}

/** The ERP's full snapshot of time: the synced lines as first imported, and a stray duplicate. */
function erpTime(w: World): Rec[] {
  return [...w.entries.filter((e) => e.erp === 'full'), ...w.erpStray]
    .map((e) => timeEntry(w, e, `NS-T${e.key.slice(3)}`, e.erpHoursFull ?? e.erpHours, true))
}

/** The delta: a corrected typo, two lines the full snapshot missed, and a duplicate removed. */
function erpTimeDelta(w: World): Rec[] {
  const at = w.observed.delta
  return [
    ...w.entries.filter((e) => e.erpHoursFull !== undefined || e.erp === 'delta').map((e) =>
      ({ ...timeEntry(w, e, `NS-T${e.key.slice(3)}`, e.erpHours, true), updated_at: iso(at - 15 * 60_000) })),
    ...w.erpStray.map((e) => ({ key: e.key, deleted: true, updated_at: iso(at - 10 * 60_000) })),
  ]
}

function invoices(w: World): Rec[] {
  return w.invoices.map((v, i) => clean({
    key: v.key, native_id: `NSI-${70001 + i}`, account_key: v.accountKey, project_key: v.projectKey,
    invoice_date: ymd(v.date), period_start: ymd(v.periodStart), period_end: ymd(v.periodEnd), amount: money(v.cents),
    currency: currencyOf(w, v.projectKey), status: v.status, due_date: ymd(v.date + 30), paid_at: time(v.paidAt),
  }))
}

function expenses(w: World, system: 'erp' | 'psa'): Rec[] {
  return w.expenses.filter((x) => system === 'psa' || x.inErp).map((x) => clean({
    key: x.key, native_id: system === 'erp' ? `NSE-${x.key.slice(3)}` : `KX-${x.key.slice(3)}`, resource_key: x.resourceKey,
    project_key: x.projectKey, expense_date: ymd(x.day), amount: money(x.cents), currency: currencyOf(w, x.projectKey), billable: x.billable,
    status: x.status, invoice_key: system === 'erp' ? x.invoiceKey : null,
  }))
}
