// GET /api/v1/close?month=YYYY-MM: what blocks closing a month. Unsynced or mismatched time,
// unbilled WIP by age at the month's end, invoice mismatches, and open finance exceptions.
// Readiness is the share of the month's time entries and invoices that reconcile.
import { Hono } from 'hono'
import type { AppEnv } from '../context.ts'
import { badRequest } from '../lib/errors.ts'
import { jsonExact, dec } from '../lib/json.ts'
import { rejectUnknown } from '../http/list-query.ts'
import { parseDatetime } from '../lib/time.ts'
import { queryRows } from '../db/query.ts'
import { findComparison } from '../reconciliation/catalog.ts'
import { summarize } from '../reconciliation/query.ts'
import { computeKpi } from '../kpis/compute.ts'
import { RULES } from '../rules/catalog.ts'

const FINANCE_RULES = Object.entries(RULES).filter(([, r]) => r.finance).map(([n]) => n)

export const closeRoutes = new Hono<AppEnv>().get('/', async (c) => {
  const all = c.req.queries()
  rejectUnknown(all, ['month', 'as_of'])
  const now = all.as_of?.[0] ? parseDatetime(all.as_of[0]) : new Date()
  if (!now) throw badRequest('bad_parameter', 'as_of: expected an ISO-8601 datetime with Z or an offset.', { field: 'as_of' })
  const month = all.month?.[0] ?? now.toISOString().slice(0, 7)
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw badRequest('bad_parameter', `month: expected YYYY-MM, got '${month}'.`, { field: 'month' })
  const from = `${month}-01`
  const end = new Date(Date.UTC(+month.slice(0, 4), +month.slice(5, 7), 0))
  const to = end.toISOString().slice(0, 10)
  // Positions as of the month's last moment, or as_of when the month is still running.
  const asOf = new Date(Math.min(now.getTime(), Date.parse(`${to}T23:59:59.999Z`)))
  const db = c.var.services.db
  const f = { asOf, from, to }

  const [[time], [invoices], wip, finance] = await Promise.all([
    summarize(db, findComparison('psa-erp', 'time_entry')!, f, ''),
    summarize(db, findComparison('erp-erp', 'invoice')!, f, ''),
    computeKpi(db, 'unbilled_wip', { from, to, asOf, by: 'age' }),
    queryRows<{ rule: string; n: string; amount: string; overdue: string }>(
      db,
      'close.finance_exceptions',
      `SELECT rule, count() AS n, sum(amount_at_risk) AS amount, countIf(due_at < now64(3)) AS overdue
       FROM exception_state WHERE status IN ('open', 'acknowledged') AND rule IN {rules:Array(String)}
       GROUP BY rule ORDER BY amount DESC`,
      { rules: FINANCE_RULES },
      { join_use_nulls: 1 },
    ),
  ])
  const t = time ?? { records: 0, matched: 0, only_a: 0, only_b: 0, differing: 0, only_a_breaking: 0, amount_a: '0', amount_b: '0', amount_diff: '0' }
  const inv = invoices ?? { records: 0, matched: 0, differing: 0, amount_a: '0', amount_b: '0', amount_diff: '0' }
  const openFinance = finance.reduce((n, r) => n + Number(r.n), 0)
  const denominator = t.records + inv.records
  const blockers = [
    { check: 'time_not_in_erp', label: 'Approved PSA time not in the ERP', count: t.only_a_breaking, blocking: t.only_a_breaking > 0 },
    { check: 'time_unapproved', label: 'PSA time not yet approved (not expected in the ERP)', count: t.only_a - t.only_a_breaking, blocking: false },
    { check: 'time_only_in_erp', label: 'ERP time with no PSA entry', count: t.only_b, blocking: t.only_b > 0 },
    { check: 'time_mismatched', label: 'Time entries that differ between PSA and ERP', count: t.differing, blocking: t.differing > 0 },
    { check: 'invoice_mismatched', label: 'Invoices that disagree with their time and expenses', count: inv.differing, blocking: inv.differing > 0 },
    { check: 'open_finance_exceptions', label: 'Open finance exceptions', count: openFinance, blocking: openFinance > 0 },
  ]
  return jsonExact(c, {
    month,
    from,
    to,
    as_of: asOf.toISOString(),
    readiness: denominator ? (t.matched + inv.matched) / denominator : 1,
    ready: blockers.every((b) => !b.blocking),
    blockers,
    time: { ...t, amount_a: dec(t.amount_a), amount_b: dec(t.amount_b), amount_diff: dec(t.amount_diff) },
    invoices: { ...inv, amount_a: dec(inv.amount_a), amount_b: dec(inv.amount_b), amount_diff: dec(inv.amount_diff) },
    unbilled_wip: { value: wip.value, by_age: wip.rows },
    finance_exceptions: finance.map((r) => ({ rule: r.rule, count: Number(r.n), amount_at_risk: dec(r.amount), overdue: Number(r.overdue) })),
  })
})
