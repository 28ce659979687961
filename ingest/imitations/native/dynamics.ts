// Canonical records → Dataverse rows (REFERENCE §3.8/§3.9): GUID ids, option-set integer codes
// with FormattedValue text, msdyn_duration in minutes, msdyn_date at 12:00 UTC, money as JSON
// numbers with a transactioncurrency lookup. unconfirmed, firm-specific: the cw_ columns and
// their choice codes; rate cards as msdyn_resourcecategorypricelevels with a cw_project lookup.
import type { DvRow, DynamicsData } from '../dynamics.ts'
import { guidFor, jsonNum, zSeconds } from '../formats.ts'
import { bool, dec, minutes, str, type Feed, type Rec } from './shared.ts'

export const DV_ENTRY_STATUS: Record<string, [number, string]> = { draft: [192350000, 'Draft'], rejected: [192350001, 'Returned'], approved: [192350002, 'Approved'], submitted: [192350003, 'Submitted'] }
export const DV_PROJECT_STATUS: Record<string, [number, string]> = { planned: [192350000, 'Planned'], active: [192350001, 'Active'], on_hold: [192350002, 'On Hold'], closed: [192350003, 'Closed'] }
export const DV_BILLING_TYPE: Record<string, [number, string]> = { time_and_materials: [192350000, 'Time and Material'], fixed_fee: [192350001, 'Fixed Price'], non_billable: [192350002, 'Non-chargeable'] }
export const DV_EMPLOYMENT: Record<string, [number, string]> = { employee: [192350000, 'Employee'], contractor: [192350001, 'Contractor'] }
export const DV_ASSIGNMENT_STATUS: Record<string, [number, string]> = { active: [192350000, 'Active'], completed: [192350001, 'Completed'], cancelled: [192350002, 'Cancelled'] }
export const DV_INVOICE_STATUS: Record<string, [number, string]> = { draft: [1, 'New'], issued: [4, 'Billed'], paid: [100001, 'Complete'], void: [100003, 'Canceled'] }

/** `erp` feeds project, rate_card, time_entry, expense, invoice; `psa` feeds resource, assignment. */
export function dynamicsNative(erp: Feed, psa: Feed, modifiedAt: string): DynamicsData {
  const g = (entity: string, key: unknown) => (key == null ? null : guidFor(`dynamics:${entity}:${String(key)}`))
  const currencies = new Map<string, DvRow>()
  const cur = (code: unknown) => {
    if (code == null) return {}
    const c = String(code)
    if (!currencies.has(c)) currencies.set(c, { transactioncurrencyid: g('currency', c), isocurrencycode: c, currencyname: c })
    return { _transactioncurrencyid_value: g('currency', c), __fvc: c }
  }
  const categories = new Map<string, DvRow>()
  const category = (role: unknown) => {
    if (role == null) return null
    const id = g('category', role)!
    categories.set(String(role), { bookableresourcecategoryid: id, name: String(role) })
    return id
  }
  let version = 5_000_000
  const meta = (r: Rec) => ({ modifiedon: zSeconds(str(r, 'updated_at') ?? modifiedAt), versionnumber: ++version })
  const choice = (table: Record<string, [number, string]>, v: unknown, col: string, fv: Record<string, string>) => {
    const [code, label] = table[String(v)]
    fv[col] = label
    return code
  }
  const money = (r: Rec, f: string, col: string, fv: Record<string, string>, out: DvRow) => {
    const v = dec(r, f)
    out[col] = v === undefined ? null : jsonNum(v)
    if (v !== undefined) fv[col] = `${String(r.currency ?? '')} ${v}`
  }
  const withCur = (row: DvRow, code: unknown): DvRow => {
    const c = cur(code) as { _transactioncurrencyid_value?: string; __fvc?: string }
    if (c._transactioncurrencyid_value) {
      row._transactioncurrencyid_value = c._transactioncurrencyid_value
      row.__fv!._transactioncurrencyid_value = c.__fvc!
    }
    return row
  }

  const msdyn_projects = erp.get('project').map((r) => {
    const fv: Record<string, string> = {}
    const row: DvRow = {
      msdyn_projectid: g('project', r.key), cw_key: r.key, msdyn_subject: r.name, cw_accountkey: r.account_key ?? null, cw_opportunitykey: r.opportunity_key ?? null,
      cw_status: choice(DV_PROJECT_STATUS, r.status, 'cw_status', fv), cw_billingtype: choice(DV_BILLING_TYPE, r.billing_type, 'cw_billingtype', fv),
      // unconfirmed: DateOnly behaviour columns answer YYYY-MM-DD
      msdyn_scheduledstart: r.start_date ?? null, msdyn_finish: r.end_date ?? null,
      cw_budgethours: r.budget_hours == null ? null : jsonNum(dec(r, 'budget_hours')!), cw_practice: r.practice ?? null, cw_region: r.region ?? null,
      cw_manageremail: r.manager_email ?? null, createdon: r.created_at ? zSeconds(String(r.created_at)) : null, ...meta(r), __fv: fv,
    }
    money(r, 'budget_amount', 'cw_budgetamount', fv, row)
    return withCur(row, r.currency)
  })
  const lookup = (row: DvRow, nav: string, set: string, key: unknown, label?: unknown) => {
    row[`_${nav}_value`] = g(set, key)
    if (key != null && label != null) row.__fv![`_${nav}_value`] = String(label)
  }
  const bookableresources = psa.get('resource').map((r) => {
    const fv: Record<string, string> = {}
    const row: DvRow = {
      bookableresourceid: g('resource', r.key), cw_key: r.key, name: r.name, cw_email: r.email ?? null, cw_practice: r.practice ?? null, cw_region: r.region ?? null,
      cw_employmenttype: choice(DV_EMPLOYMENT, r.employment_type, 'cw_employmenttype', fv), statecode: r.status === 'terminated' ? 1 : 0,
      cw_hiredate: r.hire_date ?? null, cw_terminationdate: r.termination_date ?? null,
      cw_weeklycapacityhours: jsonNum(dec(r, 'weekly_capacity_hours') ?? '40'), ...meta(r), __fv: { ...fv, statecode: r.status === 'terminated' ? 'Inactive' : 'Active' },
    }
    money(r, 'cost_rate', 'cw_costrate', row.__fv!, row)
    return withCur(row, r.currency)
  })
  const msdyn_resourceassignments = psa.get('assignment').map((r) => {
    const fv: Record<string, string> = {}
    const row: DvRow = {
      msdyn_resourceassignmentid: g('assignment', r.key), cw_key: r.key, msdyn_fromdate: r.start_date, msdyn_todate: r.end_date ?? null,
      msdyn_hours: r.planned_hours == null ? null : jsonNum(dec(r, 'planned_hours')!), cw_status: choice(DV_ASSIGNMENT_STATUS, r.status, 'cw_status', fv), ...meta(r), __fv: fv,
    }
    lookup(row, 'msdyn_projectid', 'project', r.project_key)
    lookup(row, 'msdyn_bookableresourceid', 'resource', r.resource_key)
    row._msdyn_resourcecategory_value = category(r.role)
    if (r.role != null) fv._msdyn_resourcecategory_value = String(r.role)
    money(r, 'bill_rate', 'cw_billrate', fv, row)
    return withCur(row, r.currency)
  })
  const msdyn_resourcecategorypricelevels = erp.get('rate_card').map((r) => {
    const fv: Record<string, string> = {}
    const row: DvRow = { msdyn_resourcecategorypricelevelid: g('rate_card', r.key), cw_key: r.key, cw_effectivefrom: r.effective_from ?? null, cw_effectiveto: r.effective_to ?? null, ...meta(r), __fv: fv }
    lookup(row, 'cw_project', 'project', r.project_key)
    row._msdyn_resourcecategory_value = category(r.role)
    fv._msdyn_resourcecategory_value = String(r.role)
    money(r, 'bill_rate', 'msdyn_price', fv, row)
    return withCur(row, r.currency)
  })
  const msdyn_timeentries = erp.get('time_entry').map((r) => {
    const fv: Record<string, string> = {}
    const row: DvRow = {
      msdyn_timeentryid: g('time_entry', r.key), cw_key: r.key, msdyn_date: `${String(r.work_date)}T12:00:00Z`, msdyn_duration: minutes(erp, 'dynamics', 'time_entry', r, 'hours'),
      msdyn_entrystatus: choice(DV_ENTRY_STATUS, r.status, 'msdyn_entrystatus', fv), msdyn_type: 192350000, cw_billable: bool(r, 'billable'),
      cw_approvedat: r.approved_at ? zSeconds(String(r.approved_at)) : null, ...meta(r), __fv: { ...fv, msdyn_type: 'Work' },
    }
    lookup(row, 'msdyn_project', 'project', r.project_key)
    lookup(row, 'msdyn_bookableresource', 'resource', r.resource_key)
    lookup(row, 'cw_invoice', 'invoice', r.invoice_key)
    money(r, 'bill_rate', 'cw_billrate', row.__fv!, row)
    return withCur(row, r.currency)
  })
  const msdyn_expenses = erp.get('expense').map((r) => {
    const fv: Record<string, string> = {}
    const row: DvRow = {
      msdyn_expenseid: g('expense', r.key), cw_key: r.key, msdyn_transactiondate: r.expense_date, msdyn_expensestatus: choice(DV_ENTRY_STATUS, r.status, 'msdyn_expensestatus', fv),
      cw_billable: bool(r, 'billable'), ...meta(r), __fv: fv,
    }
    lookup(row, 'msdyn_project', 'project', r.project_key)
    lookup(row, 'msdyn_bookableresource', 'resource', r.resource_key)
    lookup(row, 'cw_invoice', 'invoice', r.invoice_key)
    money(r, 'amount', 'msdyn_amount', fv, row)
    return withCur(row, r.currency)
  })
  const invoices = erp.get('invoice').map((r) => {
    const fv: Record<string, string> = {}
    const row: DvRow = {
      invoiceid: g('invoice', r.key), invoicenumber: r.key, cw_accountkey: r.account_key ?? null, msdyn_invoicedate: r.invoice_date,
      cw_periodstart: r.period_start ?? null, cw_periodend: r.period_end ?? null, statuscode: choice(DV_INVOICE_STATUS, r.status, 'statuscode', fv),
      duedate: r.due_date ?? null, cw_paidat: r.paid_at ? zSeconds(String(r.paid_at)) : null, ...meta(r), __fv: fv,
    }
    lookup(row, 'msdyn_project', 'project', r.project_key)
    money(r, 'amount', 'totalamount', fv, row)
    return withCur(row, r.currency)
  })
  return {
    msdyn_projects, bookableresources, msdyn_resourceassignments, msdyn_resourcecategorypricelevels, msdyn_timeentries, msdyn_expenses, invoices,
    transactioncurrencies: [...currencies.values()], bookableresourcecategories: [...categories.values()],
  }
}
