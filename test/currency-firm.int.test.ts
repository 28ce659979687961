// The second generated firm (#19): several currencies, contractors with cost rates, planned
// assignments, duplicates and budgets (test/helpers/currency-firm.ts). Every answer is compared
// with test/helpers/reference.ts, written from CONTRACT §4 and §5 alone, to the cent for money
// and to 1e-6 for hours and ratios.
import { describe, expect, it } from 'vitest'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'
import { api, ingest, ndjson } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'
import { AS_OF, PERIOD, generateMeasuresFirm } from './helpers/currency-firm.ts'
import { Reference } from './helpers/reference.ts'

const firm = generateMeasuresFirm()
const ref = new Reference(firm, AS_OF)
const ORDER = ['fx_rate', 'resource', 'project', 'assignment', 'time_entry', 'expense', 'invoice']
const CENT = 0.005

describe('a multi-currency firm against the reference implementation', () => {
  const server = useServer({ config: parseConfig({ sources: DEMO_SOURCES, reporting_currency: 'USD' }) })

  it('ingests every record and detects', { timeout: 300_000 }, async () => {
    for (const entity of ORDER) {
      for (const [system, entities] of Object.entries(firm)) {
        const records = (entities as Record<string, object[]>)[entity]
        if (!records?.length) continue
        const r = await ingest(server.url, system, entity, ndjson(records), 'mode=full&observed_at=2026-06-14T00:00:00Z')
        expect(r.status, JSON.stringify(r.body)).toBe(200)
        expect(r.body, `${system}/${entity}`).toMatchObject({ accepted: records.length, rejected: 0 })
      }
    }
    const d = await api(server.url, `/api/v1/detect?as_of=${AS_OF}`, { method: 'POST' })
    expect(d.status, JSON.stringify(d.body)).toBe(200)
  })

  async function exceptions(rule: string) {
    const r = await api(server.url, `/api/v1/exceptions?rule=${rule}&limit=1000`)
    expect(r.status).toBe(200)
    return new Map<string, any>(r.body.items.map((e: any) => [e.entity_key, e]))
  }

  const close = (a: unknown, b: number | null, tol = CENT) => (b === null ? a === null : a !== null && Math.abs(Number(a) - b) < tol)

  for (const rule of ['duplicate_time_entry', 'project_over_budget'] as const) {
    it(`${rule}: the same records, amounts at risk and reporting amounts`, async () => {
      const want = rule === 'duplicate_time_entry' ? ref.duplicateTimeEntry() : ref.projectOverBudget()
      const got = await exceptions(rule)
      expect([...got.keys()].sort()).toEqual([...want.keys()].sort())
      expect(want.size).toBeGreaterThan(2)
      expect([...want.values()].some((w) => w.reporting === null), 'a case without a rate').toBe(rule === 'project_over_budget')
      for (const [key, w] of want) {
        const e = got.get(key)
        expect(close(e.amount_at_risk, w.amount), `${key} amount ${e.amount_at_risk} vs ${w.amount}`).toBe(true)
        expect(close(e.amount_at_risk_reporting, w.reporting), `${key} reporting ${e.amount_at_risk_reporting} vs ${w.reporting}`).toBe(true)
      }
    })
  }

  it('resource_overallocated: the same people', async () => {
    const want = ref.resourceOverallocated()
    expect(want.has('MR02')).toBe(true)
    expect([...(await exceptions('resource_overallocated')).keys()].sort()).toEqual([...want.keys()].sort())
  })

  async function kpi(name: string, by = '', period = PERIOD) {
    const r = await api(server.url, `/api/v1/kpis/${name}?from=${period.from}&to=${period.to}&as_of=${AS_OF}${by ? `&by=${by}` : ''}`)
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body.currency).toBe('USD')
    return r.body
  }

  /** Rows of an answer with a non-zero denominator, by group. */
  const rowsOf = (answer: any) => new Map<string, any>(answer.rows.filter((r: any) => Number(r.denominator) !== 0).map((r: any) => [r.group, r]))

  it('gross_margin in total and by project, practice and month', async () => {
    for (const by of ['', 'project', 'practice', 'month'] as const) {
      const want = ref.grossMargin(PERIOD.from, PERIOD.to, by)
      const answer = await kpi('gross_margin', by)
      const check = (got: any, w: { revenue: number; cost: number }, label: string) => {
        expect(close(got.denominator, w.revenue), `${label} revenue ${got.denominator} vs ${w.revenue}`).toBe(true)
        expect(close(got.numerator, w.revenue - w.cost), `${label} margin ${got.numerator} vs ${w.revenue - w.cost}`).toBe(true)
      }
      if (!by) {
        const w = want.get('')!
        check(answer, w, 'total')
        expect(answer.value).toBeCloseTo((w.revenue - w.cost) / w.revenue, 9)
        expect(answer.fx_coverage).toBeCloseTo(w.converted / w.counted, 9)
        expect(answer.fx_coverage).toBeLessThan(1)
        continue
      }
      const got = rowsOf(answer)
      expect([...got.keys()].sort(), by).toEqual([...want].filter(([, w]) => w.revenue !== 0).map(([g]) => g).sort())
      for (const [g, r] of got) check(r, want.get(g)!, `${by} ${g}`)
    }
  })

  it('forecast_accuracy in total and by practice and project', async () => {
    for (const by of ['', 'practice', 'project'] as const) {
      const want = ref.forecastAccuracy(PERIOD.from, PERIOD.to, by)
      const answer = await kpi('forecast_accuracy', by)
      const check = (got: any, w: { planned: number; error: number }, label: string) => {
        expect(close(got.denominator, w.planned, 1e-6), `${label} planned ${got.denominator} vs ${w.planned}`).toBe(true)
        expect(close(got.numerator, w.error, 1e-6), `${label} error ${got.numerator} vs ${w.error}`).toBe(true)
      }
      if (!by) {
        check(answer, want.get('')!, 'total')
        expect(answer.value).toBeCloseTo(1 - want.get('')!.error / want.get('')!.planned, 9)
        expect(answer.coverage).toBe(1)
        continue
      }
      const got = rowsOf(answer)
      expect([...got.keys()].sort(), by).toEqual([...want].filter(([, w]) => w.planned !== 0).map(([g]) => g).sort())
      for (const [g, r] of got) check(r, want.get(g)!, `${by} ${g}`)
    }
  })

  it('bench_capacity in total and by practice, resource and week', async () => {
    for (const by of ['', 'practice', 'resource', 'week'] as const) {
      const want = ref.benchCapacity(by)
      const answer = await kpi('bench_capacity', by)
      const check = (got: any, w: { free: number; capacity: number }, label: string) => {
        expect(close(got.denominator, w.capacity, 1e-6), `${label} capacity ${got.denominator} vs ${w.capacity}`).toBe(true)
        expect(close(got.numerator, w.free, 1e-6), `${label} free ${got.numerator} vs ${w.free}`).toBe(true)
      }
      if (!by) {
        check(answer, want.get('')!, 'total')
        expect(answer.coverage).toBe(1)
        continue
      }
      const got = rowsOf(answer)
      expect([...got.keys()].sort(), by).toEqual([...want].filter(([, w]) => w.capacity !== 0).map(([g]) => g).sort())
      for (const [g, r] of got) check(r, want.get(g)!, `${by} ${g}`)
    }
  })

  it('unbilled_wip, backlog and realization convert per record and say how much could be', async () => {
    const wip = await kpi('unbilled_wip')
    const w = ref.unbilledWip().get('')!
    expect(close(wip.value, w.amount), `wip ${wip.value} vs ${w.amount}`).toBe(true)
    expect(wip.fx_coverage).toBeCloseTo(w.converted / w.counted, 9)
    expect(wip.fx_coverage).toBeLessThan(1)
    const byProject = rowsOf({ rows: (await kpi('unbilled_wip', 'project')).rows.map((r: any) => ({ ...r, denominator: 1 })) })
    for (const [g, r] of ref.unbilledWip('project')) if (r.converted) expect(close(byProject.get(g)?.numerator, r.amount), `wip ${g}`).toBe(true)

    const backlog = await kpi('backlog')
    const b = ref.backlog()
    expect(close(backlog.value, b.amount), `backlog ${backlog.value} vs ${b.amount}`).toBe(true)
    expect(backlog.fx_coverage).toBeCloseTo(b.converted / b.counted, 9)

    const real = await kpi('realization')
    const rl = ref.realization(PERIOD.from, PERIOD.to)
    expect(close(real.numerator, rl.numerator), `realization numerator ${real.numerator} vs ${rl.numerator}`).toBe(true)
    expect(close(real.denominator, rl.denominator), `realization denominator ${real.denominator} vs ${rl.denominator}`).toBe(true)
    expect(real.fx_coverage).toBeCloseTo(rl.converted / rl.counted, 9)
  })

  it('money at risk adds the reporting amounts of open exceptions and counts those without one', async () => {
    const items: any[] = []
    let cursor: string | null = null
    do {
      const r: any = await api(server.url, `/api/v1/exceptions?limit=1000${cursor ? `&cursor=${cursor}` : ''}`)
      items.push(...r.body.items)
      cursor = r.body.next_cursor
    } while (cursor)
    const m = await kpi('money_at_risk')
    const converted = items.filter((e) => e.amount_at_risk_reporting !== null)
    expect(close(m.value, converted.reduce((s, e) => s + Number(e.amount_at_risk_reporting), 0))).toBe(true)
    expect(m.fx_coverage).toBeCloseTo(converted.length / items.length, 9)
    expect(converted.length).toBeLessThan(items.length)
  })
})
