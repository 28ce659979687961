// Canonical PSA records → Kantata objects (REFERENCE §5.5–§5.7): ids as strings, minutes,
// *_in_cents with currency_base_unit, timestamps with the firm's local offset. The cross-system
// key and fields Kantata has no column for are custom field values (`crosswalk_key`, …), which
// `include=custom_field_values` side-loads. unconfirmed: workspace status keys, allocation and
// user columns, and the approval state as a side-loaded `active_submission`.
import type { KantataData, KtObject } from '../kantata.ts'
import { toMinor, withOffset } from '../formats.ts'
import { bool, dec, Ids, minutes, str, type Feed, type Rec } from './shared.ts'

export const KT_WORKSPACE_STATUS: Record<string, { key: number; message: string; color: string }> = {
  planned: { key: 300, message: 'Not Started', color: 'grey' }, active: { key: 310, message: 'In Progress', color: 'green' },
  on_hold: { key: 320, message: 'On Hold', color: 'yellow' }, closed: { key: 350, message: 'Completed', color: 'blue' },
}
export const KT_SUBMISSION_STATUS: Record<string, string | null> = { draft: null, submitted: 'pending', approved: 'approved', rejected: 'rejected' }
/** The firm's employment-type custom field choices. */
export const KT_EMPLOYMENT: Record<string, string> = { employee: 'Employee', contractor: 'Contractor' }
/** Minor units per major unit; Kantata answers it per record (`currency_base_unit`). */
const BASE: Record<string, number> = { JPY: 1, KRW: 1 }

export function kantataNative(feed: Feed, modifiedAt: string, offsetMinutes = -480): KantataData {
  const ts = (v: unknown) => (v == null ? null : withOffset(String(v), offsetMinutes))
  const updated = (r: Rec) => ts(str(r, 'updated_at') ?? modifiedAt)
  const custom_field_values: KtObject[] = []
  const cf = (subject: string, id: string, fields: Record<string, unknown>) =>
    Object.entries(fields).filter(([, v]) => v != null).map(([name, value]) => {
      const cid = String(custom_field_values.length + 1)
      custom_field_values.push({ id: cid, subject_type: subject, subject_id: id, custom_field_name: name, type: 'string', value: String(value) })
      return cid
    })
  const money = (r: Rec, f: string, col: string) => {
    const v = dec(r, f)
    const base = BASE[String(r.currency)] ?? 100
    return v === undefined ? {} : { [col]: toMinor(v, base), currency: r.currency ?? 'USD', currency_base_unit: base }
  }
  const users = new Ids((n) => String(500 + n))
  const workspaces = new Ids((n) => String(33_000 + n))
  const submissions: KtObject[] = []
  const submit = (r: Rec) => {
    const status = KT_SUBMISSION_STATUS[String(r.status)]
    if (!status) return null
    const id = String(4400 + submissions.length + 1)
    submissions.push({ id, status, resolved_at: ts(r.approved_at) })
    return id
  }

  const userRows = feed.get('resource').map((r): KtObject => {
    const id = users.assign(r)
    return {
      id, full_name: r.name, email_address: r.email ?? null, disabled: r.status === 'terminated', ...money(r, 'cost_rate', 'cost_rate_in_cents'), updated_at: updated(r),
      custom_field_value_ids: cf('User', id, {
        crosswalk_key: r.key, practice: r.practice, region: r.region, employment_type: KT_EMPLOYMENT[String(r.employment_type)],
        hire_date: r.hire_date, termination_date: r.termination_date, weekly_capacity_hours: dec(r, 'weekly_capacity_hours'),
      }),
    }
  })
  const workspaceRows = feed.get('project').map((r): KtObject => {
    const id = workspaces.assign(r)
    return {
      id, title: r.name, start_date: r.start_date ?? null, due_date: r.end_date ?? null, status: KT_WORKSPACE_STATUS[String(r.status)],
      archived: r.status === 'closed', ...money(r, 'budget_amount', 'price_in_cents'), currency: r.currency ?? null, created_at: ts(r.created_at), updated_at: updated(r),
      custom_field_value_ids: cf('Workspace', id, {
        crosswalk_key: r.key, account_key: r.account_key, opportunity_key: r.opportunity_key, billing_type: r.billing_type,
        practice: r.practice, region: r.region, manager_email: r.manager_email, budget_hours: dec(r, 'budget_hours'),
      }),
    }
  })
  const allocations = feed.get('assignment').map((r, i): KtObject => {
    const id = String(7000 + i + 1)
    return {
      id, workspace_id: workspaces.of(str(r, 'project_key')), user_id: users.of(str(r, 'resource_key')), role_name: r.role ?? null,
      start_date: r.start_date, end_date: r.end_date ?? null, minutes: r.planned_hours == null ? null : minutes(feed, 'kantata', 'assignment', r, 'planned_hours'),
      ...money(r, 'bill_rate', 'rate_in_cents'), updated_at: updated(r),
      custom_field_value_ids: cf('WorkspaceAllocation', id, { crosswalk_key: r.key, status: r.status }),
    }
  })
  const entries = feed.get('time_entry').map((r, i): KtObject => {
    const id = str(r, 'native_id') ?? String(9_100_000 + i)
    return {
      id, date_performed: r.work_date, time_in_minutes: minutes(feed, 'kantata', 'time_entry', r, 'hours'), billable: bool(r, 'billable'),
      ...money(r, 'bill_rate', 'rate_in_cents'), currency: r.currency ?? 'USD', approved: r.status === 'approved', is_invoiced: false,
      workspace_id: workspaces.of(str(r, 'project_key')), user_id: users.of(str(r, 'resource_key')), active_submission_id: submit(r),
      created_at: updated(r), updated_at: updated(r), custom_field_value_ids: cf('TimeEntry', id, { crosswalk_key: r.key }),
    }
  })
  const expenses = feed.get('expense').map((r, i): KtObject => {
    const id = str(r, 'native_id') ?? String(8_800_000 + i)
    return {
      id, date: r.expense_date, ...money(r, 'amount', 'amount_in_cents'), is_billable: bool(r, 'billable'), is_invoiced: false, category: 'Expense',
      workspace_id: workspaces.of(str(r, 'project_key')), user_id: users.of(str(r, 'resource_key')), active_submission_id: submit(r), updated_at: updated(r),
      custom_field_value_ids: cf('Expense', id, { crosswalk_key: r.key }),
    }
  })
  return { users: userRows, workspaces: workspaceRows, workspace_allocations: allocations, time_entries: entries, expenses, submissions, custom_field_values }
}
