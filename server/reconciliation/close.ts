// Month close: what blocks closing a month. Unsynced or mismatched time, unbilled WIP by age at
// the month's end, invoice mismatches, and open finance exceptions. Readiness is the share of
// the month's time entries and invoices that reconcile.
import type { Db } from '../db/client.ts'
import { queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { dec, type Decimal } from '../lib/json.ts'
import { toChDateTime } from '../lib/time.ts'
import { computeKpi } from '../kpis/compute.ts'
import { RULES, type RuleName } from '../rules/catalog.ts'
import { findComparison } from './catalog.ts'
import { summarize } from './query.ts'

export const FINANCE_RULES = (Object.keys(RULES) as RuleName[]).filter((n) => RULES[n].finance) as [RuleName, ...RuleName[]]
export const CLOSE_CHECKS = ['time_not_in_erp', 'time_unapproved', 'time_only_in_erp', 'time_mismatched', 'invoice_mismatched', 'open_finance_exceptions'] as const
export const AGE_BUCKETS = ['0-30', '31-60', '61-90', '91+'] as const

type Summary = Awaited<ReturnType<typeof summarize>>[number]

const NONE: Summary = { group: '', records: 0, matched: 0, only_a: 0, only_b: 0, differing: 0, breaking: 0, only_a_breaking: 0, match_rate: 1, amount_a: '0', amount_b: '0', amount_diff: '0', fx_coverage: 1 }

/** Decimal text (never null) as an exact JSON number. */
const amount = (text: string) => dec(text) as Decimal

/** A summary's match counts as answered, amounts exact; all zero for a period without records. */
export function matchCounts(r: Summary | undefined) {
  const { group: _, ...counts } = r ?? NONE
  return { ...counts, amount_a: amount(counts.amount_a), amount_b: amount(counts.amount_b), amount_diff: amount(counts.amount_diff) }
}

/** A month's first and last day, and the time its positions are read as of: the month's last
 *  moment, or `at` when the month is still running. */
export function monthPeriod(month: string, at: Date) {
  const from = `${month}-01`
  const to = new Date(Date.UTC(+month.slice(0, 4), +month.slice(5, 7), 0)).toISOString().slice(0, 10)
  return { from, to, asOf: new Date(Math.min(at.getTime(), Date.parse(`${to}T23:59:59.999Z`))) }
}

/**
 * The close view of `month` (YYYY-MM) as of `at`; finance exceptions count as overdue when due
 * before `now`. Amounts are in the `reporting` currency (CONTRACT §5 Currency).
 */
export async function monthClose(db: Db, month: string, at: Date, now: Date, reporting = 'USD') {
  const f = { ...monthPeriod(month, at), reporting }
  const [[time], [invoices], wip, finance] = await Promise.all([
    summarize(db, findComparison('psa-erp', 'time_entry')!, f, ''),
    summarize(db, findComparison('erp-erp', 'invoice')!, f, ''),
    computeKpi(db, 'unbilled_wip', { ...f, by: 'age' }),
    queryRows<{ rule: RuleName; n: string; amount: string; overdue: string }>(
      db,
      'close.finance_exceptions',
      sqlFile('reconciliation/close_finance_exceptions.sql'),
      { rules: FINANCE_RULES, now: toChDateTime(now), reporting },
      { join_use_nulls: 1 },
    ),
  ])
  const t = matchCounts(time)
  const inv = matchCounts(invoices)
  const openFinance = finance.reduce((n, r) => n + Number(r.n), 0)
  const denominator = t.records + inv.records
  // [check, label, count, whether a count above zero blocks the close]
  const checks = [
    ['time_not_in_erp', 'Approved PSA time not in the ERP', t.only_a_breaking, true],
    ['time_unapproved', 'PSA time not yet approved (not expected in the ERP)', t.only_a - t.only_a_breaking, false],
    ['time_only_in_erp', 'ERP time with no PSA entry', t.only_b, true],
    ['time_mismatched', 'Time entries that differ between PSA and ERP', t.differing, true],
    ['invoice_mismatched', 'Invoices that disagree with their time and expenses', inv.differing, true],
    ['open_finance_exceptions', 'Open finance exceptions', openFinance, true],
  ] as const satisfies ReadonlyArray<readonly [(typeof CLOSE_CHECKS)[number], string, number, boolean]>
  const blockers = checks.map(([check, label, count, blocks]) => ({ check, label, count, blocking: blocks && count > 0 }))
  // computeKpi answers any KPI; unbilled_wip is a sum by age: exact value and numerators, no denominator.
  const w = wip as unknown as { value: Decimal; fx_coverage?: number; rows: Array<{ group: (typeof AGE_BUCKETS)[number]; value: Decimal; numerator: Decimal; denominator: null }> }
  return {
    month,
    from: f.from,
    to: f.to,
    as_of: f.asOf.toISOString(),
    currency: reporting,
    readiness: denominator ? (t.matched + inv.matched) / denominator : 1,
    ready: blockers.every((b) => !b.blocking),
    blockers,
    time: t,
    invoices: inv,
    unbilled_wip: { value: w.value, fx_coverage: w.fx_coverage ?? 1, by_age: w.rows },
    finance_exceptions: finance.map((r) => ({ rule: r.rule, count: Number(r.n), amount_at_risk: amount(r.amount), overdue: Number(r.overdue) })),
  }
}
