// firm-small through the API, detection at its as_of: exactly the exceptions and KPI values of
// expected.json.
import { beforeAll, describe, expect, it } from 'vitest'
import { expected, plan } from './helpers/firm.ts'
import { api } from './helpers/server.ts'
import { allExceptions as fetchAllExceptions } from './helpers/expected.ts'
import { useServer } from './helpers/fixture.ts'
import { RULE_NAMES } from '../server/rules/catalog.ts'

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b))

describe('firm-small reconciliation', () => {
  let run: any

  const server = useServer({ firm: true, detect: true })
  beforeAll(() => {
    run = server.run
  })

  // 37 a page, so every list crosses several pages.
  const allExceptions = (query = '') => fetchAllExceptions(server.url, 37, query)

  it('opens exactly the expected exceptions of every data rule', async () => {
    const items = await allExceptions()
    const byRule: Record<string, string[]> = {}
    for (const e of items) (byRule[e.rule] ??= []).push(e.entity_key)
    for (const rule of RULE_NAMES) {
      if (rule === 'transaction_failed') continue // traces: covered by the transactions tests
      expect([...(byRule[rule] ?? [])].sort(), rule).toEqual([...(expected.exceptions[rule] ?? [])].sort())
    }
    const total = Object.entries(expected.exceptions as Record<string, string[]>)
      .filter(([r]) => r !== 'transaction_failed')
      .reduce((n, [, keys]) => n + keys.length, 0)
    expect(run.opened).toBe(total)
    expect(items.length).toBe(total)
  })

  it('gives every exception an owner, a due date from its severity SLA and side-by-side details', async () => {
    const items = await allExceptions('&rule=time_entry_hours_mismatch')
    const e = items.find((x) => x.entity_key === 'TE-0000217')
    expect(e.owner).toBe('finance-ops')
    expect(e.severity).toBe('medium')
    expect(e.first_detected_at).toBe(plan.as_of)
    expect(Date.parse(e.due_at) - Date.parse(e.first_detected_at)).toBe(72 * 3600_000)
    expect(e.details.psa.hours).not.toEqual(e.details.erp.hours)
    expect(e.systems).toEqual(['kantata', 'netsuite'])
    const diff = Math.abs(Number(e.details.psa.hours) - Number(e.details.erp.hours))
    expect(e.amount_at_risk).toBeCloseTo(diff * Number(e.details.psa.bill_rate), 6)
  })

  it('a second run at the same as_of changes nothing', async () => {
    const again = (await api(server.url, `/api/v1/detect?as_of=${plan.as_of}`, { method: 'POST' })).body
    expect(again.opened).toBe(0)
    expect(again.auto_resolved).toBe(0)
    expect(again.still_open).toBe(run.detected)
  })

  it('computes every KPI of expected.json', async () => {
    const k = expected.kpis
    const q = (name: string, extra = '') => api(server.url, `/api/v1/kpis/${name}?as_of=${plan.as_of}${extra}`).then((r) => r.body)

    const u = await q('utilization', `&from=${k.utilization.from}&to=${k.utilization.to}&by=practice`)
    expect(close(u.value, k.utilization.value)).toBe(true)
    expect(u.numerator).toBe(k.utilization.numerator)
    expect(u.denominator).toBe(k.utilization.denominator)
    for (const [practice, v] of Object.entries<number>(k.utilization.by_practice))
      expect(close(u.rows.find((r: any) => r.group === practice).value, v), practice).toBe(true)
    expect(u.coverage).toBeGreaterThan(0.9)
    expect(u.coverage).toBeLessThan(1)

    const w = await q('unbilled_wip', '&by=age')
    expect(close(w.value, k.unbilled_wip.value)).toBe(true)
    expect(w.rows.map((r: any) => r.group)).toEqual(['0-30', '31-60', '61-90', '91+'])
    for (const [bucket, v] of Object.entries<number>(k.unbilled_wip.by_age)) expect(close(w.rows.find((r: any) => r.group === bucket).value, v)).toBe(true)

    expect(close((await q('backlog')).value, k.backlog.value)).toBe(true)

    const b = await q('billing_cycle_days', `&from=${k.billing_cycle_days.from}&to=${k.billing_cycle_days.to}`)
    expect(close(b.value, k.billing_cycle_days.value)).toBe(true)
    expect(b.denominator).toBe(k.billing_cycle_days.n)
    expect(b.coverage).toBe(1)

    const p = await q('pipeline_to_project_hours', `&from=${k.pipeline_to_project_hours.from}&to=${k.pipeline_to_project_hours.to}`)
    expect(p.n).toBe(k.pipeline_to_project_hours.n)
    expect(close(p.value, k.pipeline_to_project_hours.value)).toBe(true)
    expect(close(p.median_low, k.pipeline_to_project_hours.median_low)).toBe(true)
    expect(close(p.median_high, k.pipeline_to_project_hours.median_high)).toBe(true)
    expect(p.p90).toBeGreaterThanOrEqual(p.value)

    const r = await q('realization', `&from=${k.realization.from}&to=${k.realization.to}`)
    expect(close(r.value, k.realization.value)).toBe(true)
  })

  it('money at risk is the sum over open exceptions, by rule', async () => {
    const m = await api(server.url, `/api/v1/kpis/money_at_risk?by=rule`).then((r) => r.body)
    const items = await allExceptions()
    const sum = items.reduce((s, e) => s + Number(e.amount_at_risk), 0)
    expect(close(m.value, sum)).toBe(true)
    const summary = await api(server.url, '/api/v1/exceptions/summary?by=rule').then((r) => r.body)
    for (const row of m.rows) expect(close(summary.items.find((s: any) => s.group === row.group).amount_at_risk, row.value)).toBe(true)
  })

  it('lists the KPI catalogue with definitions', async () => {
    const r = await api(server.url, '/api/v1/kpis')
    expect(r.body.items.map((k: any) => k.name)).toEqual([
      'utilization', 'unbilled_wip', 'backlog', 'billing_cycle_days', 'pipeline_to_project_hours', 'realization', 'money_at_risk',
      'gross_margin', 'forecast_accuracy', 'bench_capacity',
    ])
    for (const k of r.body.items) expect(k.definition.length).toBeGreaterThan(40)
  })
})
