// Canonical ERP records → SuiteQL rows (REFERENCE §2.6/§2.7): every value text, booleans T/F,
// internal ids are integers (the canonical native ids are not kept: keyset paging needs `id > N`),
// dates M/D/YYYY, datetimes `M/D/YYYY h:mm:ss am` (UTC). `externalid` holds the cross-system key.
// unconfirmed, firm-specific: the custentity_/custcol_/custbody_/customrecord_cw_ fields, the
// status codes below, and currency display values (BUILTIN.DF) being ISO codes.
import type { NetSuiteData, NsRow } from '../netsuite.ts'
import { mdy, nsDateTime } from '../formats.ts'
import { bool, dec, Ids, str, type Feed, type Rec } from './shared.ts'

export const NS_PROJECT_STATUS: Record<string, [string, string]> = { closed: ['1', 'Closed'], active: ['2', 'In Progress'], planned: ['4', 'Pending'], on_hold: ['5', 'On Hold'] }
export const NS_BILLING_TYPE: Record<string, string | null> = { time_and_materials: 'TM', fixed_fee: 'FBM', non_billable: null }
export const NS_APPROVAL: Record<string, [string, string]> = { draft: ['0', 'Open'], submitted: ['1', 'Pending Approval'], approved: ['2', 'Approved'], rejected: ['3', 'Rejected'] }
export const NS_INVOICE_STATUS: Record<string, [string, string]> = { draft: ['E', 'Pending Approval'], issued: ['A', 'Open'], paid: ['B', 'Paid In Full'], void: ['V', 'Voided'] }
export const NS_EXPENSE_STATUS: Record<string, [string, string]> = { draft: ['A', 'In Progress'], submitted: ['B', 'Pending Supervisor Approval'], rejected: ['D', 'Rejected by Supervisor'], approved: ['F', 'Approved by Accounting'] }

const d = (v: unknown) => (v == null ? null : mdy(String(v)))
const dt = (v: unknown) => (v == null ? null : nsDateTime(String(v)))

/** `people` are the firm's resources (from HR), used for the employee lookup table. */
export function netsuiteNative(feed: Feed, people: Rec[], modifiedAt: string): NetSuiteData {
  const currencies = new Map<string, string>()
  const cur = (code: unknown) => {
    const c = String(code ?? 'USD')
    if (!currencies.has(c)) currencies.set(c, String(currencies.size + 1))
    return currencies.get(c)!
  }
  const lm = (r: Rec) => dt(str(r, 'updated_at') ?? modifiedAt)
  const customers = new Ids((n) => String(1000 + n))
  const jobs = new Ids((n) => String(4900 + n))
  const invoices = new Ids((n) => String(70_900 + n))
  const employees = new Ids((n) => String(5000 + n))

  const customer = feed.get('account').map((r): NsRow => ({
    id: customers.assign(r, false), externalid: r.key, companyname: String(r.name), isinactive: r.status === 'inactive' ? 'T' : 'F',
    custentity_cw_region: str(r, 'region'), lastmodifieddate: lm(r),
  }))
  for (const [i, r] of feed.get('account').entries()) if (r.parent_key) customer[i].parent = customers.of(str(r, 'parent_key'))

  // Employees referenced by time and expense, named from HR when HR has them.
  const hr = new Map(people.map((p) => [p.key, p]))
  const refd = [...new Set([...feed.get('time_entry'), ...feed.get('expense')].map((r) => String(r.resource_key)))].sort()
  const employee = refd.map((key): NsRow => {
    const p = hr.get(key)
    return { id: employees.assign({ key }, false), externalid: key, entityid: str(p ?? { key }, 'name') ?? key, email: p ? str(p, 'email') : undefined, isinactive: p?.status === 'terminated' ? 'T' : 'F', lastmodifieddate: dt(modifiedAt) }
  })

  const job = feed.get('project').map((r): NsRow => {
    const [status, label] = NS_PROJECT_STATUS[String(r.status)]
    return {
      id: jobs.assign(r, false), externalid: r.key, entityid: r.key, companyname: String(r.name), customer: r.account_key ? customers.of(str(r, 'account_key')) : null,
      custentity_cw_opportunity: str(r, 'opportunity_key'), entitystatus: status, jobbillingtype: NS_BILLING_TYPE[String(r.billing_type)],
      startdate: d(r.start_date), scheduledenddate: d(r.end_date), custentity_cw_budget_hours: dec(r, 'budget_hours'), jobprice: dec(r, 'budget_amount'),
      currency: r.currency ? cur(r.currency) : null, custentity_cw_practice: str(r, 'practice'), custentity_cw_region: str(r, 'region'),
      custentity_cw_manager_email: str(r, 'manager_email'), datecreated: dt(r.created_at), lastmodifieddate: lm(r),
      __df: { entitystatus: label, currency: String(r.currency ?? '') },
    }
  })
  const transaction: NsRow[] = feed.get('invoice').map((r) => {
    const [status, label] = NS_INVOICE_STATUS[String(r.status)]
    return {
      id: invoices.assign(r, false), type: 'CustInvc', tranid: r.key, externalid: r.key, entity: r.account_key ? customers.of(str(r, 'account_key')) : null,
      custbody_cw_project: jobs.of(str(r, 'project_key')), trandate: d(r.invoice_date), startdate: d(r.period_start), enddate: d(r.period_end),
      foreigntotal: dec(r, 'amount'), currency: cur(r.currency), status, duedate: d(r.due_date), custbody_cw_paid_at: dt(r.paid_at), lastmodifieddate: lm(r),
      __df: { status: label, currency: String(r.currency) },
    }
  })
  for (const [i, r] of feed.get('expense').entries()) {
    const [status, label] = NS_EXPENSE_STATUS[String(r.status)]
    transaction.push({
      id: String(80_000 + i + 1), type: 'ExpRept', tranid: r.key, externalid: r.key, entity: employees.of(str(r, 'resource_key')),
      custbody_cw_project: jobs.of(str(r, 'project_key')), trandate: d(r.expense_date), foreigntotal: dec(r, 'amount'), currency: cur(r.currency),
      custbody_cw_billable: bool(r, 'billable') ? 'T' : 'F', status, custbody_cw_invoice: r.invoice_key ? invoices.of(str(r, 'invoice_key')) : null, lastmodifieddate: lm(r),
      __df: { status: label, currency: String(r.currency) },
    })
  }
  const timebill = feed.get('time_entry').map((r, i): NsRow => {
    const [status, label] = NS_APPROVAL[String(r.status)]
    return {
      id: String(90_000 + i), externalid: r.key, employee: employees.of(str(r, 'resource_key')), customer: jobs.of(str(r, 'project_key')),
      trandate: d(r.work_date), hours: dec(r, 'hours'), rate: dec(r, 'bill_rate'), isbillable: bool(r, 'billable') ? 'T' : 'F', approvalstatus: status,
      currency: r.currency ? cur(r.currency) : null, custcol_cw_approved_at: dt(r.approved_at), custcol_cw_invoice: r.invoice_key ? invoices.of(str(r, 'invoice_key')) : null,
      lastmodifieddate: lm(r), __df: { approvalstatus: label, currency: String(r.currency ?? '') },
    }
  })
  const customrecord_cw_rate_card = feed.get('rate_card').map((r, i): NsRow => ({
    id: String(i + 1), name: r.key, custrecord_cw_rc_project: jobs.of(str(r, 'project_key')), custrecord_cw_rc_role: String(r.role),
    custrecord_cw_rc_rate: dec(r, 'bill_rate'), custrecord_cw_rc_currency: cur(r.currency), custrecord_cw_rc_from: d(r.effective_from),
    custrecord_cw_rc_to: d(r.effective_to), lastmodified: lm(r), __df: { custrecord_cw_rc_currency: String(r.currency) },
  }))
  const currency = [...currencies].map(([symbol, id]): NsRow => ({ id, symbol, name: symbol }))
  return { customer, employee, job, transaction, timebill, customrecord_cw_rate_card, currency }
}
