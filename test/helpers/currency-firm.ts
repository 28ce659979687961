// A second generated firm (#19): several currencies (USD reporting, EUR and GBP with rates, CHF
// with none), contractors with cost rates, planned assignments, duplicates and budgets, seeded so
// every run is the same. test/helpers/reference.ts computes its answers from the contract's text,
// independently of the SQL; test/currency-firm.int.test.ts compares the two.

export type Rec = Record<string, unknown> & { key: string }
export type Firm = Record<'netsuite' | 'kantata' | 'workday', Record<string, Rec[]>>

export const AS_OF = '2026-06-15T12:00:00.000Z' // a Monday
export const PERIOD = { from: '2026-03-01', to: '2026-06-15' }

function rng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const day = (iso: string, n: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
const weekday = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay() % 6 !== 0
const money = (x: number) => x.toFixed(2)

const PRACTICES = ['Strategy', 'Technology', 'Operations']
const CURRENCIES = ['USD', 'EUR', 'GBP', 'CHF', 'USD', 'EUR']

function fxRates(): Rec[] {
  const out: Rec[] = []
  // EUR at each month's end from November; GBP only from February (January's GBP has no rate).
  for (const [m, eur, gbp] of [['2025-11-30', '1.0812', null], ['2025-12-31', '1.0934', null], ['2026-01-31', '1.0871', null], ['2026-02-28', '1.0795', '1.2640'], ['2026-03-31', '1.0902', '1.2711'], ['2026-04-30', '1.1025', '1.2687'], ['2026-05-31', '1.1113', '1.2753']] as const) {
    out.push({ key: `EUR-${m}`, currency: 'EUR', rate_date: m, rate: eur })
    if (gbp) out.push({ key: `GBP-${m}`, currency: 'GBP', rate_date: m, rate: gbp })
  }
  // Two current records for one currency and date: the larger key wins.
  out.push({ key: 'EUR-2026-03-31-restated', currency: 'EUR', rate_date: '2026-03-31', rate: '1.0955' })
  // A rate dated after D is never used for what happens on or before it.
  out.push({ key: 'EUR-2026-06-30', currency: 'EUR', rate_date: '2026-06-30', rate: '1.5' })
  out.push({ key: 'GBP-2026-06-10', currency: 'GBP', rate_date: '2026-06-10', rate: '1.2801' })
  return out
}

function resources(r: () => number): Rec[] {
  return Array.from({ length: 18 }, (_, i) => {
    const key = `MR${String(i + 1).padStart(2, '0')}`
    const contractor = i % 5 === 4
    const cur = contractor ? (['EUR', 'GBP', 'CHF'] as const)[i % 3] : 'USD'
    return {
      key, name: `Person ${i + 1}`, email: `p${i + 1}@firm.example`, practice: PRACTICES[i % 3], region: i % 2 ? 'EMEA' : 'NA',
      employment_type: contractor ? 'contractor' : 'employee',
      status: i === 16 ? 'terminated' : 'active',
      hire_date: i === 14 ? day('2026-06-15', 8) : i === 15 ? null : '2024-01-15',
      termination_date: i === 16 ? '2026-05-29' : i === 13 ? day('2026-06-15', 12) : null,
      weekly_capacity_hours: ['40', '32', '40', '20'][i % 4],
      // No cost rate for two people: their time is outside the margin (and its coverage).
      cost_rate: i === 3 || i === 9 ? null : money(60 + Math.floor(r() * 80) + 0.25 * (i % 4)),
      currency: cur === 'USD' && i % 2 ? null : cur,
    }
  })
}

function projects(): Rec[] {
  return Array.from({ length: 10 }, (_, i) => ({
    key: `MP${String(i + 1).padStart(2, '0')}`, name: `Engagement ${i + 1}`,
    status: i === 8 ? 'closed' : i === 9 ? 'on_hold' : 'active',
    billing_type: i === 7 ? 'fixed_fee' : 'time_and_materials',
    start_date: '2026-01-05', end_date: '2026-12-18',
    budget_hours: i === 5 ? null : ['120', '400', '95.5', '800', '60', '0', '150', '300', '40', '80'][i],
    budget_amount: i === 6 ? null : money(20_000 + i * 7_500),
    currency: CURRENCIES[i % CURRENCIES.length] === 'USD' && i === 4 ? null : CURRENCIES[i % CURRENCIES.length],
    practice: PRACTICES[(i + 1) % 3], region: i % 2 ? 'EMEA' : 'NA', created_at: '2026-01-02T09:00:00Z',
  }))
}

function assignments(res: Rec[], proj: Rec[], r: () => number): Rec[] {
  const out: Rec[] = []
  let n = 0
  for (const [i, p] of res.entries()) {
    for (let k = 0; k < 1 + (i % 3); k++) {
      const project = proj[(i * 3 + k) % proj.length]
      const start = day('2026-02-02', Math.floor(r() * 100))
      const end = k === 2 ? null : day(start, 20 + Math.floor(r() * 120))
      out.push({
        key: `MA${String(++n).padStart(3, '0')}`, project_key: project.key, resource_key: p.key, role: 'Consultant',
        start_date: start, end_date: end, planned_hours: n % 7 === 0 ? null : String(40 + Math.floor(r() * 300)),
        bill_rate: money(120 + Math.floor(r() * 90)), currency: project.currency,
        status: n % 9 === 0 ? 'cancelled' : n % 5 === 0 ? 'completed' : 'active',
      })
    }
  }
  // A weekend-only assignment (no Monday–Friday day: left out), and heavy loads on one person.
  out.push({ key: 'MA-WEEKEND', project_key: 'MP01', resource_key: 'MR01', start_date: '2026-06-13', end_date: '2026-06-14', planned_hours: '16', status: 'active', currency: 'USD', bill_rate: '150' })
  out.push({ key: 'MA-HEAVY1', project_key: 'MP02', resource_key: 'MR02', start_date: '2026-06-01', end_date: '2026-06-26', planned_hours: '160', status: 'active', currency: 'EUR', bill_rate: '140' })
  out.push({ key: 'MA-HEAVY2', project_key: 'MP03', resource_key: 'MR02', start_date: '2026-06-08', end_date: '2026-07-03', planned_hours: '80', status: 'active', currency: 'GBP', bill_rate: '130' })
  return out
}

function timeEntries(asg: Rec[], proj: Rec[], r: () => number): Rec[] {
  const cur = new Map(proj.map((p) => [p.key, p.currency as string | null]))
  const out: Rec[] = []
  let n = 0
  for (const a of asg) {
    if (a.status === 'cancelled') continue
    const last = (a.end_date as string | null) ?? '2026-06-15'
    for (let d = a.start_date as string; d <= last && d <= '2026-06-15'; d = day(d, 1 + Math.floor(r() * 3))) {
      if (!weekday(d) && r() < 0.9) continue
      const status = r() < 0.85 ? 'approved' : (['draft', 'submitted', 'rejected'] as const)[Math.floor(r() * 3)]
      out.push({
        key: `MT${String(++n).padStart(5, '0')}`, resource_key: a.resource_key, project_key: a.project_key, work_date: d,
        hours: (1 + Math.floor(r() * 32) / 4).toFixed(2), billable: r() < 0.85, status,
        bill_rate: r() < 0.05 ? null : a.bill_rate, currency: cur.get(a.project_key as string) ?? null,
        approved_at: status === 'approved' ? `${day(d, 2)}T10:00:00Z` : null,
      })
    }
  }
  return out
}

/** Duplicates and near misses of duplicate_time_entry, made from entries already there. */
function duplicates(te: Rec[]): Rec[] {
  const out: Rec[] = []
  const approved = te.filter((t) => t.status === 'approved')
  for (const [i, t] of approved.filter((_, j) => j % 97 === 5).entries()) {
    out.push({ ...t, key: `${t.key}-DUP` }) // fires (its key is larger)
    if (i % 3 === 0) out.push({ ...t, key: `${t.key}-DUP2`, status: 'submitted' }) // fires too
    if (i % 3 === 1) out.push({ ...t, key: `${t.key}-REJ`, status: 'rejected', approved_at: null }) // never counts
    if (i % 3 === 2) out.push({ ...t, key: `${t.key}-OTHERDAY`, work_date: day(t.work_date as string, 1) }) // another date
  }
  // A duplicate whose smaller key is rejected: the rejected one is not kept, the others compare alone.
  out.push({ key: 'MT-A', resource_key: 'MR05', project_key: 'MP05', work_date: '2026-05-12', hours: '3.00', billable: true, status: 'rejected', bill_rate: '100', currency: 'USD' })
  out.push({ key: 'MT-B', resource_key: 'MR05', project_key: 'MP05', work_date: '2026-05-12', hours: '3.00', billable: true, status: 'approved', bill_rate: '100', currency: 'USD', approved_at: '2026-05-13T10:00:00Z' })
  return out
}

/** The ERP's copy of approved time (some missing, some invoiced), its invoices and expenses. */
function billing(te: Rec[], proj: Rec[], r: () => number) {
  const erpTime: Rec[] = []
  const invoices: Rec[] = []
  const expenses: Rec[] = []
  const tm = new Set(proj.filter((p) => p.billing_type === 'time_and_materials').map((p) => p.key))
  for (const t of te) {
    if (t.status !== 'approved' || r() < 0.06) continue
    const invoiced = t.billable && (t.work_date as string) < '2026-05-01' && r() < 0.7
    erpTime.push({ ...t, invoice_key: invoiced ? `MI-${t.project_key}-${(t.work_date as string).slice(0, 7)}` : null })
  }
  for (const key of new Set(erpTime.map((t) => t.invoice_key).filter((k): k is string => typeof k === 'string'))) {
    const p = proj.find((x) => key.includes(`-${x.key}-`))!
    const month = key.slice(-7)
    const sum = erpTime.filter((t) => t.invoice_key === key).reduce((s, t) => s + Number(t.hours) * Number(t.bill_rate ?? 0), 0)
    const expense = r() < 0.4 ? 50 + Math.floor(r() * 400) : 0
    if (expense) expenses.push({ key: `ME-${key}`, resource_key: 'MR01', project_key: p.key, expense_date: `${month}-20`, amount: money(expense), currency: p.currency ?? 'USD', billable: true, status: 'approved', invoice_key: key })
    const end = new Date(Date.UTC(+month.slice(0, 4), +month.slice(5), 0)).toISOString().slice(0, 10)
    invoices.push({
      key, project_key: p.key, invoice_date: day(end, 3 + Math.floor(r() * 20)), period_start: `${month}-01`, period_end: end,
      amount: money((sum + expense) * (r() < 0.2 ? 0.93 : 1)), currency: p.currency ?? 'USD', status: r() < 0.1 ? 'draft' : r() < 0.5 ? 'paid' : 'issued',
    })
    void tm
  }
  return { erpTime, invoices, expenses }
}

export function generateMeasuresFirm(seed = 7): Firm {
  const r = rng(seed)
  const res = resources(r)
  const proj = projects()
  const asg = assignments(res, proj, r)
  const psaTime = timeEntries(asg, proj, r)
  psaTime.push(...duplicates(psaTime))
  const { erpTime, invoices, expenses } = billing(psaTime, proj, r)
  return {
    workday: { resource: res },
    kantata: { resource: res.map(({ key, name, email, practice, region, employment_type, status, weekly_capacity_hours }) => ({ key, name, email, practice, region, employment_type, status, weekly_capacity_hours })), project: proj, assignment: asg, time_entry: psaTime },
    netsuite: { project: proj, time_entry: erpTime, invoice: invoices, expense: expenses, fx_rate: fxRates() },
  }
}
