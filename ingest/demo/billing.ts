// ERP invoicing: monthly T&M invoices built from the ERP copies of time and expenses, fixed-fee
// milestones, and the billing plants (unbilled time, invoices that disagree with their lines).
import { HOUR_MS, addMonths, dayOf, dayStart, firstOfMonth } from './rng.ts'
import { nearMiss, pad, type Entry, type Expense, type Project, type World } from './world.ts'

interface Draft { p: Project; start: number; end: number; date: number; cents: number; es: Entry[]; xs: Expense[] }

const lineCents = (e: Entry): number => Math.round(e.erpHours * (e.rate ?? 0) * 100)

export function genInvoices(w: World): void {
  const { rng, D } = w
  const tm = w.projects.filter((p) => p.inErp && p.billing === 'time_and_materials' && !p.internal)
  const billable = new Map<string, Entry[]>()
  for (const e of w.entries) {
    if (e.erp !== 'full' || !e.billable || e.status !== 'approved') continue
    if (!billable.has(e.projectKey)) billable.set(e.projectKey, [])
    billable.get(e.projectKey)!.push(e)
  }
  plantUnbilled(w, tm, billable)

  const drafts: Draft[] = []
  for (const p of tm) {
    // A billing hold stops invoicing of everything dated on or after it.
    const held = (day: number) => p.billingHoldFrom !== null && day >= p.billingHoldFrom
    const es = (billable.get(p.key) ?? []).filter((e) => !e.noInvoice && !held(e.day))
    const xs = w.expenses.filter((x) => x.projectKey === p.key && x.inErp && x.billable && !held(x.day))
    for (let m = firstOfMonth(Math.max(p.start, w.windowStart)); addMonths(m, 1) - 1 < D; m = addMonths(m, 1)) {
      if (m === p.missedMonth) continue
      const end = addMonths(m, 1) - 1
      const mes = es.filter((e) => e.day >= m && e.day <= end)
      const mxs = xs.filter((x) => x.day >= m && x.day <= end)
      if (!mes.length && !mxs.length) continue
      // Billing runs 3-20 days after month end, once the month's time is approved.
      const approved = Math.max(0, ...mes.map((e) => dayOf(e.approvedAt!) + 1))
      const date = Math.max(end + rng.int(3, 20), approved)
      if (date > D - 1) continue
      const cents = mes.reduce((s, e) => s + lineCents(e), 0) + mxs.reduce((s, x) => s + x.cents, 0)
      drafts.push({ p, start: m, end, date, cents, es: mes, xs: mxs })
    }
  }
  // Fixed fees bill 20% milestones every two months.
  for (const p of w.projects) {
    if (!p.inErp || p.billing !== 'fixed_fee' || !p.budgetCents) continue
    let n = 0
    for (let m = firstOfMonth(Math.max(p.start, w.windowStart)); addMonths(m, 2) - 1 < D && n < 5; m = addMonths(m, 2), n++) {
      const date = addMonths(m, 2) - 1 + rng.int(3, 15)
      if (date <= D - 1) drafts.push({ p, start: m, end: addMonths(m, 2) - 1, date, cents: Math.round(p.budgetCents * 0.2), es: [], xs: [] })
    }
  }
  drafts.sort((a, b) => a.date - b.date || (a.p.key < b.p.key ? -1 : a.p.key > b.p.key ? 1 : 0))
  for (const [i, d] of drafts.entries()) {
    const key = `INV-${pad(i, 6)}`
    const paid = d.date + rng.int(25, 50)
    w.invoices.push({
      key, accountKey: d.p.accountKey, projectKey: d.p.key, date: d.date, periodStart: d.start, periodEnd: d.end,
      cents: d.cents, status: paid <= D - 1 ? 'paid' : 'issued', paidAt: paid <= D - 1 ? dayStart(paid) + rng.int(9, 17) * HOUR_MS : null,
    })
    for (const e of d.es) e.invoiceKey = key
    for (const x of d.xs) x.invoiceKey = key
  }
  plantInvoiceMismatch(w)
}

/** Time left off invoices: one missed month, a few dropped lines, a billing hold (under 90 days). */
function plantUnbilled(w: World, tm: Project[], billable: Map<string, Entry[]>): void {
  const { rng, D } = w
  const month = addMonths(D, -4)
  const monthEnd = addMonths(month, 1) - 1
  const inMonth = (p: Project) => (billable.get(p.key) ?? []).filter((e) => e.day >= month && e.day <= monthEnd)
  const value = (es: Entry[]) => es.reduce((s, e) => s + lineCents(e), 0)
  const ranked = [...tm].sort((a, b) => value(inMonth(b)) - value(inMonth(a)))
  const used = new Set<string>()
  // The month-four invoice of the biggest engagement was never raised: the large one.
  const big = ranked[0]
  if (big && inMonth(big).length) {
    big.missedMonth = month
    used.add(big.key)
    w.planted.unbilled_time_over_90_days.push(big.key)
  }
  // Two projects each had a couple of lines (95+ days old) dropped from their invoice.
  for (const p of rng.shuffle(ranked.slice(1))) {
    if (w.planted.unbilled_time_over_90_days.length >= 3) break
    const old = (billable.get(p.key) ?? []).filter((e) => D - e.day > 95)
    if (old.length < 3) continue
    for (const e of rng.shuffle(old).slice(0, rng.int(2, 3))) e.noInvoice = true
    used.add(p.key)
    w.planted.unbilled_time_over_90_days.push(p.key)
  }
  // A billing hold on the last 85 days: WIP in every bucket, no exception.
  const hold = rng.shuffle(tm.filter((p) => !used.has(p.key) && p.status === 'active' && p.start < D - 120))[0]
  if (hold) {
    hold.billingHoldFrom = D - 85
    used.add(hold.key)
    nearMiss(w, 'unbilled_time_over_90_days', hold.key)
  }
  // A line exactly 90 days old left unbilled: the rule wants more than 90.
  for (const p of rng.shuffle(tm.filter((p) => !used.has(p.key)))) {
    const e = (billable.get(p.key) ?? []).find((e) => e.day === D - 90)
    if (!e) continue
    e.noInvoice = true
    nearMiss(w, 'unbilled_time_over_90_days', p.key)
    break
  }
}

function plantInvoiceMismatch(w: World): void {
  const { rng } = w
  const tm = new Set(w.projects.filter((p) => p.billing === 'time_and_materials').map((p) => p.key))
  const pool = rng.shuffle(w.invoices.filter((i) => tm.has(i.projectKey) && i.cents >= 2_000_000))
  // Overbilled, underbilled (an unapproved discount), a fat-fingered extra line, old rates.
  const edits: ((c: number) => number)[] = [
    (c) => Math.round(c * 1.035), (c) => Math.round(c * 0.91), (c) => c + 1_250_000, (c) => Math.round(c * 0.98),
    (c) => Math.round(c * 1.06),
  ]
  for (const edit of edits) {
    const inv = pool.pop()
    if (!inv) break
    inv.cents = edit(inv.cents)
    w.planted.invoice_amount_mismatch.push(inv.key)
  }
  // Near misses: 0.90 off, 0.4% off (both inside tolerance), and a voided wrong invoice.
  const near: [(c: number) => number, boolean][] = [
    [(c) => c + 90, false], [(c) => c + Math.floor(c * 0.004), false], [(c) => Math.round(c * 0.75), true],
  ]
  for (const [edit, voided] of near) {
    const inv = pool.pop()
    if (!inv) break
    inv.cents = edit(inv.cents)
    if (voided) { inv.status = 'void'; inv.paidAt = null }
    nearMiss(w, 'invoice_amount_mismatch', inv.key)
  }
}
