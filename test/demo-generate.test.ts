// The demo firm generator: deterministic, contract-valid records, realistic KPIs, and every rule
// of CONTRACT §4 planted. A small reference evaluation of the rules (plain JS over the generated
// records) checks that exactly the planted keys fire and that no near miss does.
import { describe, it, expect } from 'vitest'
import { DEMO_SEED, generateFirm, type DemoFirm } from '../ingest/demo/generate.ts'
import { validateRecord } from '../server/ingest/validate.ts'
import { isEntityName } from '../server/model/entities.ts'

type R = Record<string, any>
const AS_OF = new Date('2026-06-30T12:00:00Z')
const KIND = { salesforce: 'crm', netsuite: 'erp', kantata: 'psa', workday: 'hr' } as const
const DAY = 86_400_000
const firm = generateFirm({ asOf: AS_OF })

/** Each kind's records by entity and key, as of the last batch (deltas applied in order). */
function state(f: DemoFirm): Record<string, Map<string, R>> {
  const out: Record<string, Map<string, R>> = {}
  const batches = [...f.batches].sort((a, b) => a.observed_at.localeCompare(b.observed_at))
  for (const b of batches) {
    const id = `${KIND[b.system as keyof typeof KIND]}.${b.entity}`
    const m = (out[id] ??= new Map())
    for (const r of b.records) {
      if (r.deleted === true) m.delete(r.key as string)
      else m.set(r.key as string, r)
    }
  }
  return out
}

const addDays = (d: string, n: number) => new Date(Date.parse(d) + n * DAY).toISOString().slice(0, 10)
const hoursBefore = (asOf: number, t: string) => (asOf - Date.parse(t)) / 3_600_000

/** Plain-JS reading of the rules of CONTRACT §4 (default thresholds). */
function detect(f: DemoFirm): Record<string, string[]> {
  const s = state(f)
  const A = Date.parse(f.as_of)
  const D = f.as_of.slice(0, 10)
  const vals = (id: string) => [...(s[id]?.values() ?? [])]
  const out: Record<string, Set<string>> = {}
  const fire = (rule: string, key: string) => (out[rule] ??= new Set()).add(key)
  const projects = [...vals('erp.project'), ...vals('psa.project')]

  for (const o of vals('crm.opportunity'))
    if (o.is_won && hoursBefore(A, o.won_at ?? `${o.close_date}T00:00:00Z`) > 48 && !projects.some((p) => p.opportunity_key === o.key))
      fire('won_opportunity_without_project', o.key)
  for (const [from, to, rule] of [['psa', 'erp', 'project_missing_in_erp'], ['erp', 'psa', 'project_missing_in_psa']])
    for (const p of vals(`${from}.project`))
      if (p.status !== 'closed' && (!p.created_at || hoursBefore(A, p.created_at) > 24) && !s[`${to}.project`].has(p.key)) fire(rule, p.key)

  const erpTe = s['erp.time_entry']
  for (const t of vals('psa.time_entry')) {
    if (t.status === 'approved' && t.approved_at && hoursBefore(A, t.approved_at) > 24 && !erpTe.has(t.key)) fire('time_entry_missing_in_erp', t.key)
    const e = erpTe.get(t.key)
    if (e && Math.abs(t.hours - e.hours) > 0.01) fire('time_entry_hours_mismatch', t.key)
  }
  const psaTe = vals('psa.time_entry')
  const recent = new Set(psaTe.filter((t) => t.work_date >= addDays(D, -13) && t.work_date <= D).map((t) => `${t.resource_key}|${t.project_key}`))
  for (const a of vals('psa.assignment')) {
    if (a.status !== 'active') continue
    const cards = vals('erp.rate_card').filter((c) => c.project_key === a.project_key && c.role === a.role &&
      (!c.effective_from || c.effective_from <= D) && (!c.effective_to || c.effective_to >= D))
    cards.sort((x, y) => (y.effective_from ?? '').localeCompare(x.effective_from ?? ''))
    if (a.role && a.bill_rate !== undefined && cards.length && Math.abs(cards[0].bill_rate - a.bill_rate) > 0.005) fire('assignment_rate_mismatch', a.key)
    const hr = s['hr.resource'].get(a.resource_key)
    if (hr?.status === 'terminated' && hr.termination_date < D && (!a.end_date || a.end_date > hr.termination_date)) fire('assignment_terminated_resource', a.key)
    if (s['erp.project'].get(a.project_key)?.status === 'closed') fire('assignment_on_closed_project', a.key)
    if (a.start_date <= addDays(D, -14) && (!a.end_date || a.end_date >= D) && !recent.has(`${a.resource_key}|${a.project_key}`)) fire('assignment_without_recent_time', a.key)
  }

  const byInvoice = new Map<string, number>()
  for (const t of erpTe.values()) if (t.invoice_key) byInvoice.set(t.invoice_key, (byInvoice.get(t.invoice_key) ?? 0) + t.hours * (t.bill_rate ?? 0))
  for (const x of vals('erp.expense')) if (x.invoice_key && x.billable) byInvoice.set(x.invoice_key, (byInvoice.get(x.invoice_key) ?? 0) + x.amount)
  const tm = (k: string) => s['erp.project'].get(k)?.billing_type === 'time_and_materials'
  for (const i of vals('erp.invoice')) {
    const sum = byInvoice.get(i.key) ?? 0
    if ((i.status === 'issued' || i.status === 'paid') && tm(i.project_key) && Math.abs(i.amount - sum) > Math.max(1, 0.005 * sum)) fire('invoice_amount_mismatch', i.key)
  }
  for (const t of erpTe.values())
    if (tm(t.project_key) && t.status === 'approved' && t.billable && !t.invoice_key && (Date.parse(D) - Date.parse(t.work_date)) / DAY > 90) fire('unbilled_time_over_90_days', t.project_key)

  for (const h of vals('hr.resource')) {
    const p = s['psa.resource'].get(h.key)
    if (p && h.cost_rate !== undefined && p.cost_rate !== undefined && Math.abs(h.cost_rate - p.cost_rate) > 0.005) fire('resource_cost_rate_mismatch', h.key)
    if (!p && h.status === 'active' && h.employment_type === 'employee' && (!h.hire_date || h.hire_date < addDays(D, -7))) fire('resource_missing_in_psa', h.key)
  }

  const traces = new Map<string, { start: number; failed: boolean; root?: R }>()
  for (const rs of (f.traces as R).resourceSpans) for (const sp of rs.scopeSpans[0].spans) {
    const t = traces.get(sp.traceId) ?? { start: Infinity, failed: false }
    t.start = Math.min(t.start, Number(BigInt(sp.startTimeUnixNano) / 1_000_000n))
    t.failed ||= sp.status?.code === 2
    if (!sp.parentSpanId) t.root = Object.fromEntries(sp.attributes.map((a: R) => [a.key, a.value.stringValue]))
    traces.set(sp.traceId, t)
  }
  const latest = new Map<string, { start: number; failed: boolean; key: string }>()
  for (const t of traces.values()) {
    if (t.start > A || !t.root) continue
    const id = `${t.root['crosswalk.workflow']}|${t.root['crosswalk.entity.type']}|${t.root['crosswalk.entity.key']}`
    if ((latest.get(id)?.start ?? -Infinity) < t.start) latest.set(id, { ...t, key: t.root['crosswalk.entity.key'] })
  }
  for (const t of latest.values()) if (t.failed) fire('transaction_failed', t.key)

  // duplicate_time_entry, project_over_budget, resource_overallocated (loads compared exactly,
  // as fractions of whole cents: a plan of exactly 1.1 × capacity must not fire).
  const groups = new Map<string, string[]>()
  for (const t of psaTe) {
    if (t.status === 'rejected') continue
    const k = `${t.resource_key}|${t.project_key}|${t.work_date}|${t.hours}`
    groups.set(k, [...(groups.get(k) ?? []), t.key])
  }
  for (const ks of groups.values()) for (const k of [...ks].sort().slice(1)) fire('duplicate_time_entry', k)
  const approvedHours = new Map<string, number>()
  for (const t of psaTe) if (t.status === 'approved' && t.work_date <= D) approvedHours.set(t.project_key, (approvedHours.get(t.project_key) ?? 0) + t.hours)
  for (const p of vals('erp.project'))
    if (p.status !== 'closed' && p.budget_hours > 0 && (approvedHours.get(p.key) ?? 0) > p.budget_hours) fire('project_over_budget', p.key)
  const cents = (x: number) => BigInt(Math.round(x * 100))
  const load = new Map<string, [bigint, bigint]>()
  for (const a of vals('psa.assignment')) {
    if (a.status !== 'active' || !a.end_date || a.planned_hours === undefined || a.start_date > D || a.end_date < D) continue
    let wd = 0
    for (let d = a.start_date; d <= a.end_date; d = addDays(d, 1)) if (![0, 6].includes(new Date(d).getUTCDay())) wd++
    if (!wd) continue
    const [n, m] = load.get(a.resource_key) ?? [0n, 1n]
    load.set(a.resource_key, [n * BigInt(wd) + cents(a.planned_hours) * 5n * m, m * BigInt(wd)])
  }
  for (const h of vals('hr.resource')) {
    const l = load.get(h.key)
    if (h.status === 'active' && l && l[0] * 10n > 11n * cents(h.weekly_capacity_hours) * l[1]) fire('resource_overallocated', h.key)
  }

  const newest = new Map<string, number>()
  for (const b of f.batches) newest.set(b.system, Math.max(newest.get(b.system) ?? 0, Date.parse(b.observed_at)))
  for (const sys of Object.keys(f.sources)) if (A - (newest.get(sys) ?? -Infinity) > 24 * 3_600_000) fire('source_stale', sys)
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]))
}

describe('demo firm generator', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const again = generateFirm({ asOf: AS_OF, seed: DEMO_SEED })
    expect(JSON.stringify(again)).toBe(JSON.stringify(firm))
    expect(JSON.stringify(generateFirm({ asOf: AS_OF, seed: 8 }).batches)).not.toBe(JSON.stringify(firm.batches))
  })

  it('has the counts of a small firm', () => {
    const n = (system: string, entity: string) => firm.batches.filter((b) => b.system === system && b.entity === entity && b.mode === 'full')[0].records.length
    expect(firm.sources).toEqual(KIND)
    expect(n('salesforce', 'account')).toBe(25)
    expect(n('salesforce', 'opportunity')).toBeGreaterThanOrEqual(50)
    expect(n('workday', 'resource')).toBe(60)
    expect(n('netsuite', 'project')).toBeGreaterThanOrEqual(30)
    expect(n('kantata', 'assignment')).toBeGreaterThanOrEqual(150)
    expect(n('kantata', 'time_entry')).toBeGreaterThanOrEqual(5000)
    expect(n('kantata', 'time_entry')).toBeLessThanOrEqual(11000)
    expect(n('netsuite', 'invoice')).toBeGreaterThanOrEqual(40)
    expect(firm.batches.filter((b) => b.mode === 'delta').length).toBe(1)
    const stale = firm.batches.find((b) => b.system === 'workday')!
    expect(Date.parse(firm.as_of) - Date.parse(stale.observed_at)).toBeGreaterThan(24 * 3_600_000)
  })

  it('writes only records the ingest validator accepts, in the contract formats', () => {
    const near = new Set(firm.near_misses.time_entry_hours_mismatch)
    // One EUR and one GBP engagement: everything on them is in their currency; contractors in
    // EMEA are paid in GBP; the rest is USD.
    const s = state(firm)
    const foreign = new Map([...s['erp.project'].values()].filter((p) => p.currency !== 'USD').map((p) => [p.key, p.currency]))
    expect([...foreign.values()].sort()).toEqual(['EUR', 'GBP'])
    const deals = new Map([...s['erp.project'].values()].filter((p) => p.opportunity_key).map((p) => [p.opportunity_key, p.currency]))
    const currencyOf = (entity: string, r: R): string =>
      entity === 'fx_rate' ? r.currency
        : entity === 'resource' ? (r.employment_type === 'contractor' && r.region === 'EMEA' && r.currency === 'GBP' ? 'GBP' : 'USD')
          : entity === 'project' ? (foreign.get(r.key) ?? 'USD')
            : entity === 'opportunity' ? (deals.get(r.key) ?? 'USD')
              : (foreign.get(r.project_key) ?? 'USD')
    for (const b of firm.batches) {
      expect(isEntityName(b.entity)).toBe(true)
      expect(b.observed_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
      for (const r of b.records) {
        const v = validateRecord(b.entity as never, JSON.stringify(r))
        if (!v.ok) throw new Error(`${b.system}/${b.entity} ${String(r.key)}: ${v.reason}`)
        for (const f of ['amount', 'bill_rate', 'cost_rate', 'budget_amount'])
          if (typeof r[f] === 'number') expect(Math.abs((r[f] as number) * 100 - Math.round((r[f] as number) * 100))).toBeLessThan(1e-6)
        if (b.entity === 'time_entry' && typeof r.hours === 'number' && !near.has(r.key as string)) expect(((r.hours as number) * 4) % 1).toBe(0)
        if ('currency' in r) expect(r.currency, `${b.entity} ${String(r.key)}`).toBe(currencyOf(b.entity, r))
      }
    }
  })

  it('fires exactly the planted keys of every rule, and no near miss', () => {
    const found = detect(firm)
    for (const [rule, keys] of Object.entries(firm.planted)) {
      expect(keys.length, rule).toBeGreaterThan(0)
      expect(found[rule] ?? [], rule).toEqual(keys)
    }
    for (const [rule, keys] of Object.entries(firm.near_misses))
      for (const k of keys) expect(found[rule] ?? [], `${rule} near miss ${k}`).not.toContain(k)
  })

  it('has an ERP rate for every foreign record on or before its date', () => {
    const s = state(firm)
    const rates = [...s['erp.fx_rate'].values()]
    expect(new Set(rates.map((r) => r.currency))).toEqual(new Set(['EUR', 'GBP']))
    for (const r of rates) expect(r.key).toBe(`${r.currency}-${r.rate_date}`)
    const dated: [string, string][] = [
      ...[...s['psa.time_entry'].values(), ...s['erp.time_entry'].values()].filter((t) => t.currency && t.currency !== 'USD').map((t): [string, string] => [t.currency, t.work_date]),
      ...[...s['erp.invoice'].values()].filter((i) => i.currency !== 'USD').map((i): [string, string] => [i.currency, i.invoice_date]),
      ...[...s['erp.expense'].values()].filter((x) => x.currency !== 'USD').map((x): [string, string] => [x.currency, x.expense_date]),
    ]
    expect(dated.length).toBeGreaterThan(50)
    for (const [currency, date] of dated) expect(rates.some((r) => r.currency === currency && r.rate_date <= date), `${currency} ${date}`).toBe(true)
    const hr = [...s['hr.resource'].values()]
    expect(hr.filter((h) => h.employment_type === 'contractor' && h.cost_rate !== undefined).length).toBeGreaterThanOrEqual(3)
    expect(hr.some((h) => h.currency === 'GBP')).toBe(true)
  })

  it('plants the obvious cases a reader would look for', () => {
    const s = state(firm)
    const A = Date.parse(firm.as_of)
    const lost = [...s['psa.time_entry'].values()].filter((t) => t.status === 'approved' && hoursBefore(A, t.approved_at) > 24 && !s['erp.time_entry'].has(t.key))
    expect(lost.length).toBeGreaterThanOrEqual(5)
    const projects = [...s['erp.project'].values(), ...s['psa.project'].values()]
    const orphans = [...s['crm.opportunity'].values()].filter((o) => o.is_won && hoursBefore(A, o.won_at) > 48 && !projects.some((p) => p.opportunity_key === o.key))
    expect(orphans.length).toBeGreaterThanOrEqual(2)
    expect(firm.planted.source_stale).toEqual(['workday'])
  })

  it('gives realistic KPI values', () => {
    const s = state(firm)
    const D = firm.as_of.slice(0, 10)
    const from = addDays(D, -120)
    // Utilization: approved billable hours over HR capacity (8 h per employed weekday).
    let hours = 0
    for (const t of s['psa.time_entry'].values())
      if (t.status === 'approved' && t.billable && t.work_date >= from && t.work_date <= D && s['hr.resource'].has(t.resource_key)) hours += t.hours
    let capacity = 0
    for (let d = from; d <= D; d = addDays(d, 1)) {
      const wd = new Date(d).getUTCDay()
      if (wd === 0 || wd === 6) continue
      for (const h of s['hr.resource'].values())
        if ((!h.hire_date || h.hire_date <= d) && (!h.termination_date || h.termination_date >= d)) capacity += h.weekly_capacity_hours / 5
    }
    expect(hours / capacity).toBeGreaterThan(0.6)
    expect(hours / capacity).toBeLessThan(0.8)
    // Unbilled WIP in every age bucket.
    const buckets = { '0-30': 0, '31-60': 0, '61-90': 0, '91+': 0 }
    for (const t of s['erp.time_entry'].values()) {
      if (t.status !== 'approved' || !t.billable || t.invoice_key || s['erp.project'].get(t.project_key)?.billing_type !== 'time_and_materials') continue
      const age = (Date.parse(D) - Date.parse(t.work_date)) / DAY
      buckets[age <= 30 ? '0-30' : age <= 60 ? '31-60' : age <= 90 ? '61-90' : '91+'] += t.hours * t.bill_rate
    }
    for (const v of Object.values(buckets)) expect(v).toBeGreaterThan(0)
    // Billing cycle of 5-20 days on average.
    const inv = [...s['erp.invoice'].values()].filter((i) => i.status !== 'void')
    const cycle = inv.reduce((a, i) => a + (Date.parse(i.invoice_date) - Date.parse(i.period_end)) / DAY, 0) / inv.length
    expect(cycle).toBeGreaterThan(5)
    expect(cycle).toBeLessThan(20)
    // Pipeline to project: median of a day or two.
    const created = new Map<string, number>()
    for (const p of [...s['erp.project'].values(), ...s['psa.project'].values()])
      if (p.opportunity_key && p.created_at) created.set(p.opportunity_key, Math.min(created.get(p.opportunity_key) ?? Infinity, Date.parse(p.created_at)))
    const lat = [...s['crm.opportunity'].values()].filter((o) => o.won_at && created.has(o.key)).map((o) => (created.get(o.key)! - Date.parse(o.won_at)) / 3_600_000).sort((a, b) => a - b)
    expect(lat[Math.floor(lat.length / 2)]).toBeGreaterThan(6)
    expect(lat[Math.floor(lat.length / 2)]).toBeLessThan(48)
  })

  // How fast it generates is `npm run bench`'s business, not a test's.
  it('scales roughly linearly', () => {
    const big = generateFirm({ asOf: AS_OF, scale: 3 })
    const te = (f: DemoFirm) => f.batches.find((b) => b.system === 'kantata' && b.entity === 'time_entry')!.records.length
    expect(te(big) / te(firm)).toBeGreaterThan(2.4)
    expect(te(big) / te(firm)).toBeLessThan(3.6)
    const found = detect(big)
    for (const [rule, keys] of Object.entries(big.planted)) expect(found[rule] ?? [], rule).toEqual(keys)
  })
})
