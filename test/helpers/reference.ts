// A small reference implementation of CONTRACT §4's three newest rules, §5's three newest KPIs
// and §5 Currency, written from the contract's text and nothing else (no SQL, no server code), so
// that test/currency-firm.int.test.ts checks the SQL against an independent reading. Every record
// here is the one current version its system sent; amounts are plain numbers (compared to the cent).
import type { Firm, Rec } from './currency-firm.ts'

const DAY = 86_400_000
const ms = (d: string) => Date.parse(`${d}T00:00:00Z`)
const iso = (t: number) => new Date(t).toISOString().slice(0, 10)
const isWeekday = (d: string) => [1, 2, 3, 4, 5].includes(new Date(ms(d)).getUTCDay())
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v))

/** Monday–Friday days from a to b, both included (0 when a > b). */
export function weekdays(a: string, b: string): number {
  let n = 0
  for (let t = ms(a); t <= ms(b); t += DAY) if (isWeekday(iso(t))) n++
  return n
}

/** ISO week label of a date, e.g. 2026-W26. */
export function isoWeek(d: string): string {
  const date = new Date(ms(d))
  const dow = (date.getUTCDay() + 6) % 7
  date.setUTCDate(date.getUTCDate() - dow + 3) // the Thursday of its week
  const year = date.getUTCFullYear()
  const jan4 = new Date(Date.UTC(year, 0, 4))
  const week = 1 + Math.round(((date.getTime() - jan4.getTime()) / DAY - 3 + ((jan4.getUTCDay() + 6) % 7)) / 7)
  return `${year}-W${String(week).padStart(2, '0')}`
}

export class Reference {
  readonly d: string
  constructor(
    readonly firm: Firm,
    asOf: string,
    readonly reporting = 'USD',
  ) {
    this.d = asOf.slice(0, 10)
  }

  private get erp() { return this.firm.netsuite }
  private get psa() { return this.firm.kantata }
  private get hr() { return this.firm.workday }

  /** Units of the reporting currency for one unit of `currency` on `date`; null with no rate. */
  rate(currency: unknown, date: string): number | null {
    const cur = (currency as string | null) ?? this.reporting
    if (cur === this.reporting) return 1
    let best: Rec | null = null
    for (const r of this.erp.fx_rate ?? []) {
      if (r.currency !== cur || (r.rate_date as string) > date) continue
      if (!best || (r.rate_date as string) > (best.rate_date as string) || (r.rate_date === best.rate_date && r.key > best.key)) best = r
    }
    return best ? Number(best.rate) : null
  }

  private project(key: unknown) { return this.erp.project.find((p) => p.key === key) }
  private person(key: unknown) { return this.hr.resource.find((p) => p.key === key) }

  // ---- rules ----

  duplicateTimeEntry(): Map<string, { amount: number; reporting: number | null }> {
    const groups = new Map<string, Rec[]>()
    for (const t of this.psa.time_entry.filter((t) => t.status !== 'rejected')) {
      const g = `${t.resource_key}|${t.project_key}|${t.work_date}|${Number(t.hours)}`
      groups.set(g, [...(groups.get(g) ?? []), t])
    }
    const out = new Map<string, { amount: number; reporting: number | null }>()
    for (const g of groups.values()) {
      if (new Set(g.map((t) => t.key)).size < 2) continue
      const smallest = g.map((t) => t.key).sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))))[0]
      for (const t of g.filter((t) => t.key !== smallest)) {
        const amount = t.billable ? Number(t.hours) * num(t.bill_rate) : 0
        const rate = this.rate(t.currency, t.work_date as string)
        out.set(t.key, { amount, reporting: amount === 0 ? 0 : rate === null ? null : amount * rate })
      }
    }
    return out
  }

  projectOverBudget(): Map<string, { amount: number; reporting: number | null }> {
    const out = new Map<string, { amount: number; reporting: number | null }>()
    for (const p of this.erp.project) {
      if (p.status === 'closed' || !(num(p.budget_hours) > 0)) continue
      const entries = this.psa.time_entry.filter((t) => t.project_key === p.key && t.status === 'approved' && (t.work_date as string) <= this.d)
      const hours = entries.reduce((s, t) => s + Number(t.hours), 0)
      if (!(hours > num(p.budget_hours) + 1e-9)) continue
      const revenue = entries.reduce((s, t) => s + Number(t.hours) * num(t.bill_rate), 0)
      const excess = (hours - num(p.budget_hours)) / hours
      const rates = entries.map((t) => this.rate(t.currency, t.work_date as string))
      const converted = rates.some((r) => r === null) ? null : entries.reduce((s, t, i) => s + Number(t.hours) * num(t.bill_rate) * rates[i]!, 0)
      const amount = revenue * excess
      out.set(p.key, { amount, reporting: amount === 0 ? 0 : converted === null ? null : converted * excess })
    }
    return out
  }

  resourceOverallocated(maxLoad = 1.1): Map<string, number> {
    const out = new Map<string, number>()
    for (const p of this.hr.resource.filter((r) => r.status === 'active')) {
      let load = 0
      for (const a of this.psa.assignment) {
        if (a.resource_key !== p.key || a.status !== 'active' || !a.end_date || a.planned_hours === null || a.planned_hours === undefined) continue
        if ((a.start_date as string) > this.d || (a.end_date as string) < this.d) continue
        const w = weekdays(a.start_date as string, a.end_date as string)
        if (w > 0) load += (Number(a.planned_hours) * 5) / w
      }
      if (load > maxLoad * num(p.weekly_capacity_hours ?? 40) + 1e-9) out.set(p.key, load)
    }
    return out
  }

  // ---- KPIs ----

  grossMargin(from: string, to: string, by: 'project' | 'practice' | 'month' | '' = '') {
    const rows = new Map<string, { revenue: number; cost: number; hours: number; allHours: number; converted: number; counted: number }>()
    for (const t of this.erp.time_entry) {
      const p = this.project(t.project_key)
      const wd = t.work_date as string
      if (t.status !== 'approved' || !t.billable || wd < from || wd > to || p?.billing_type !== 'time_and_materials') continue
      const g = by === 'project' ? p.key : by === 'practice' ? ((p.practice as string) ?? '(none)') : by === 'month' ? `${wd.slice(0, 7)}-01` : ''
      const row = rows.get(g) ?? { revenue: 0, cost: 0, hours: 0, allHours: 0, converted: 0, counted: 0 }
      rows.set(g, row)
      const person = this.person(t.resource_key)
      const revRate = this.rate(t.currency, wd)
      row.allHours += revRate === null ? 0 : Number(t.hours)
      if (!person || person.cost_rate === null || person.cost_rate === undefined) continue
      row.counted++
      const costRate = this.rate(person.currency, wd)
      if (revRate === null || costRate === null) continue
      row.converted++
      row.hours += Number(t.hours)
      row.revenue += Number(t.hours) * num(t.bill_rate) * revRate
      row.cost += Number(t.hours) * Number(person.cost_rate) * costRate
    }
    return rows
  }

  forecastAccuracy(from: string, to: string, by: 'practice' | 'project' | '' = '') {
    const rows = new Map<string, { planned: number; error: number }>()
    for (const a of this.psa.assignment) {
      if (!['active', 'completed'].includes(a.status as string) || !(num(a.planned_hours) > 0) || !a.start_date || !a.end_date) continue
      const w = weekdays(a.start_date as string, a.end_date as string)
      if (w === 0) continue
      const lo = (a.start_date as string) > from ? (a.start_date as string) : from
      const hi = (a.end_date as string) < to ? (a.end_date as string) : to
      const planned = (Number(a.planned_hours) * weekdays(lo, hi)) / w
      const actual = lo > hi ? 0 : this.psa.time_entry
        .filter((t) => t.status === 'approved' && t.resource_key === a.resource_key && t.project_key === a.project_key && (t.work_date as string) >= lo && (t.work_date as string) <= hi)
        .reduce((s, t) => s + Number(t.hours), 0)
      const g = by === 'practice' ? ((this.person(a.resource_key)?.practice as string) ?? '(none)') : by === 'project' ? (a.project_key as string) : ''
      const row = rows.get(g) ?? { planned: 0, error: 0 }
      row.planned += planned
      row.error += Math.abs(actual - planned)
      rows.set(g, row)
    }
    return rows
  }

  /** The 20 Monday–Friday days after D. */
  benchDays(): string[] {
    const out: string[] = []
    for (let t = ms(this.d) + DAY; out.length < 20; t += DAY) if (isWeekday(iso(t))) out.push(iso(t))
    return out
  }

  benchCapacity(by: 'practice' | 'resource' | 'week' | '' = '') {
    const rows = new Map<string, { free: number; capacity: number }>()
    for (const day of this.benchDays()) {
      for (const p of this.hr.resource) {
        const employed = (!p.hire_date || (p.hire_date as string) <= day) && (!p.termination_date || (p.termination_date as string) >= day)
        if (p.status !== 'active' || !employed) continue
        const daily = num(p.weekly_capacity_hours ?? 40) / 5
        let planned = 0
        for (const a of this.psa.assignment) {
          if (a.resource_key !== p.key || a.status !== 'active' || !a.end_date || (a.start_date as string) > day || (a.end_date as string) < day) continue
          const w = weekdays(a.start_date as string, a.end_date as string)
          if (w > 0) planned += num(a.planned_hours) / w
        }
        const g = by === 'practice' ? ((p.practice as string) ?? '(none)') : by === 'resource' ? p.key : by === 'week' ? isoWeek(day) : ''
        const row = rows.get(g) ?? { free: 0, capacity: 0 }
        row.free += Math.max(daily - planned, 0)
        row.capacity += daily
        rows.set(g, row)
      }
    }
    return rows
  }

  /** unbilled_wip converted at each entry's work_date; fx counts entries converted / all. */
  unbilledWip(by: 'project' | '' = '') {
    const rows = new Map<string, { amount: number; converted: number; counted: number }>()
    for (const t of this.erp.time_entry) {
      const p = this.project(t.project_key)
      if (t.status !== 'approved' || !t.billable || t.invoice_key || (t.work_date as string) > this.d || p?.billing_type !== 'time_and_materials') continue
      const g = by === 'project' ? p.key : ''
      const row = rows.get(g) ?? { amount: 0, converted: 0, counted: 0 }
      rows.set(g, row)
      row.counted++
      const rate = this.rate(t.currency, t.work_date as string)
      if (rate === null) continue
      row.converted++
      row.amount += Number(t.hours) * num(t.bill_rate) * rate
    }
    return rows
  }

  /** backlog: each project with its invoices at D, left out whole without a rate. */
  backlog() {
    let amount = 0
    let converted = 0
    let counted = 0
    for (const p of this.erp.project) {
      if (p.status === 'closed' || p.budget_amount === null || p.budget_amount === undefined) continue
      counted++
      const invoices = this.erp.invoice.filter((i) => i.project_key === p.key && ['issued', 'paid'].includes(i.status as string))
      const rates = [this.rate(p.currency, this.d), ...invoices.map((i) => this.rate(i.currency, this.d))]
      if (rates.some((r) => r === null)) continue
      converted++
      const billed = invoices.reduce((s, i, k) => s + Number(i.amount) * rates[k + 1]!, 0)
      amount += Math.max(Number(p.budget_amount) * rates[0]! - billed, 0)
    }
    return { amount, converted, counted }
  }

  /** realization: each invoice with its time and expenses at invoice_date. */
  realization(from: string, to: string) {
    let num_ = 0
    let den = 0
    let converted = 0
    let counted = 0
    for (const inv of this.erp.invoice) {
      const p = this.project(inv.project_key)
      const date = inv.invoice_date as string
      if (!['issued', 'paid'].includes(inv.status as string) || date < from || date > to || p?.billing_type !== 'time_and_materials') continue
      counted++
      const exp = (this.erp.expense ?? []).filter((e) => e.invoice_key === inv.key && e.billable)
      const time = this.erp.time_entry.filter((t) => t.invoice_key === inv.key)
      const rates = [inv, ...exp, ...time].map((r) => this.rate(r.currency, date))
      if (rates.some((r) => r === null)) continue
      converted++
      num_ += Number(inv.amount) * rates[0]! - exp.reduce((s, e, k) => s + Number(e.amount) * rates[1 + k]!, 0)
      den += time.reduce((s, t, k) => s + Number(t.hours) * num(t.bill_rate) * rates[1 + exp.length + k]!, 0)
    }
    return { numerator: num_, denominator: den, converted, counted }
  }
}
