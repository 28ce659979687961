// Canonical PSA records → Harvest v2 objects (REFERENCE §6.5–§6.7): integer ids, decimal hours,
// major-unit money, weekly_capacity in seconds, nested {id, name} references. Harvest has no
// custom fields, so the key lives where Harvest has a free field: project `code`, user
// `employee_id` (unconfirmed), time entry `external_reference.id`, expense `notes`, invoice
// `number`. Harvest cannot hold: project planned/on_hold (only is_active), assignment role/dates
// (the imitation sets created_at to the start date), draft vs submitted time (approval_status, unconfirmed).
import type { HarvestData, HvObject } from '../harvest.ts'
import { hoursToSeconds, jsonNum, zSeconds } from '../formats.ts'
import { bool, dec, str, type Feed, type Rec } from './shared.ts'

export const HV_APPROVAL: Record<string, string> = { draft: 'unsubmitted', submitted: 'submitted', approved: 'approved', rejected: 'rejected' }
export const HV_INVOICE_STATE: Record<string, string> = { draft: 'draft', issued: 'open', paid: 'paid', void: 'closed' }

/** `psa` feeds project, resource, assignment, time_entry, expense; `erp` feeds invoice. */
export function harvestNative(psa: Feed, erp: Feed, modifiedAt: string): HarvestData {
  const stamp = (r: Rec) => zSeconds(str(r, 'updated_at') ?? modifiedAt)
  const num = (r: Rec, f: string) => (r[f] == null ? null : jsonNum(dec(r, f)!))
  const byKey = <T extends HvObject>(rows: T[], key: (t: T) => string) => new Map(rows.map((x) => [key(x), x]))

  const users = psa.get('resource').map((r, i): HvObject => {
    const name = String(r.name)
    const cut = name.lastIndexOf(' ')
    return {
      id: 1_782_000 + i, first_name: cut > 0 ? name.slice(0, cut) : name, last_name: cut > 0 ? name.slice(cut + 1) : '', email: r.email ?? null,
      employee_id: r.key, is_contractor: r.employment_type === 'contractor', is_active: r.status !== 'terminated',
      weekly_capacity: hoursToSeconds(dec(r, 'weekly_capacity_hours') ?? '40'), cost_rate: num(r, 'cost_rate'), default_hourly_rate: null,
      created_at: r.hire_date ? `${String(r.hire_date)}T00:00:00Z` : stamp(r), updated_at: stamp(r),
    }
  })
  const userOf = byKey(users, (u) => String(u.employee_id))
  const ref = (u: HvObject | undefined) => (u ? { id: u.id, name: `${String(u.first_name)} ${String(u.last_name)}`.trim() } : null)
  const projects = psa.get('project').map((r, i): HvObject => ({
    id: 14_300_000 + i, name: r.name, code: r.key, client: r.account_key ? { id: 5_735_000 + i, name: String(r.account_key), currency: r.currency ?? 'USD' } : null,
    is_active: r.status !== 'closed', is_billable: r.billing_type !== 'non_billable', is_fixed_fee: r.billing_type === 'fixed_fee',
    bill_by: r.billing_type === 'non_billable' ? 'none' : 'Project', budget_by: 'project', budget: num(r, 'budget_hours'),
    fee: r.billing_type === 'fixed_fee' ? num(r, 'budget_amount') : null, cost_budget: r.billing_type === 'fixed_fee' ? null : num(r, 'budget_amount'),
    starts_on: r.start_date ?? null, ends_on: r.end_date ?? null, created_at: r.created_at ? zSeconds(String(r.created_at)) : stamp(r), updated_at: stamp(r),
  }))
  const projectOf = byKey(projects, (p) => String(p.code))
  const pref = (p: HvObject | undefined) => (p ? { id: p.id, name: p.name, code: p.code } : null)
  const user_assignments = psa.get('assignment').map((r, i): HvObject => ({
    id: 125_000_000 + i, is_project_manager: false, is_active: r.status === 'active', use_default_rates: false,
    budget: num(r, 'planned_hours'), hourly_rate: num(r, 'bill_rate'), created_at: `${String(r.start_date)}T00:00:00Z`, updated_at: stamp(r),
    project: pref(projectOf.get(String(r.project_key))), user: ref(userOf.get(String(r.resource_key))),
  }))
  const invoiceRows = erp.get('invoice').map((r, i): HvObject => ({
    id: 13_150_000 + i, number: r.key, amount: num(r, 'amount'), due_amount: r.status === 'paid' ? jsonNum('0') : num(r, 'amount'), currency: r.currency,
    state: HV_INVOICE_STATE[String(r.status)], period_start: r.period_start ?? null, period_end: r.period_end ?? null, issue_date: r.invoice_date,
    due_date: r.due_date ?? null, paid_at: r.paid_at ? zSeconds(String(r.paid_at)) : null, paid_date: r.paid_at ? String(r.paid_at).slice(0, 10) : null,
    client: r.account_key ? { id: 5_735_900 + i, name: String(r.account_key) } : null, created_at: stamp(r), updated_at: stamp(r),
    line_items: [{ id: 53_000_000 + i, kind: 'Service', description: String(r.key), amount: num(r, 'amount'), project: pref(projectOf.get(String(r.project_key))) }],
  }))
  const invoiceOf = byKey(invoiceRows, (x) => String(x.number))
  const iref = (key: unknown) => {
    const x = key == null ? undefined : invoiceOf.get(String(key))
    return x ? { id: x.id, number: x.number } : null
  }
  const time_entries = psa.get('time_entry').map((r, i): HvObject => ({
    id: 636_700_000 + i, spent_date: r.work_date, user: ref(userOf.get(String(r.resource_key))), project: pref(projectOf.get(String(r.project_key))),
    client: r.currency == null ? null : { id: 5_735_000, name: 'Client', currency: r.currency },
    external_reference: { id: r.key, group_id: null, permalink: null }, invoice: iref(r.invoice_key), hours: num(r, 'hours'), rounded_hours: num(r, 'hours'),
    is_closed: r.status === 'approved', is_locked: r.status === 'approved', is_billed: r.invoice_key != null, approval_status: HV_APPROVAL[String(r.status)],
    billable: bool(r, 'billable'), billable_rate: num(r, 'bill_rate'), created_at: stamp(r), updated_at: stamp(r),
  }))
  const expenses = psa.get('expense').map((r, i): HvObject => ({
    id: 15_000_000 + i, spent_date: r.expense_date, notes: r.key, total_cost: num(r, 'amount'), units: null, billable: bool(r, 'billable'),
    is_closed: r.status === 'approved', is_locked: r.status === 'approved', is_billed: r.invoice_key != null, approval_status: HV_APPROVAL[String(r.status)],
    user: ref(userOf.get(String(r.resource_key))), project: pref(projectOf.get(String(r.project_key))), invoice: iref(r.invoice_key),
    client: { currency: r.currency }, expense_category: { id: 1, name: 'Expenses' }, created_at: stamp(r), updated_at: stamp(r),
  }))
  return { users, projects, user_assignments, time_entries, expenses, invoices: invoiceRows }
}
