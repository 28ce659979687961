// gross_margin, forecast_accuracy and bench_capacity (CONTRACT §5) on a small firm computed by
// hand (test/helpers/measures-firm.ts, where each record's part is written next to it): exact
// numerators and denominators from history and from the derived facts, every `by`, the records
// behind each number with the `group` filter and pages, the weekly chart, and the KPI's target.
import { describe, expect, it } from 'vitest'
import { computeKpi } from '../server/kpis/compute.ts'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'
import { KPIS, type KpiName } from '../server/kpis/catalog.ts'
import type { Decimal } from '../server/lib/json.ts'
import { derivedFile } from '../server/derived/index.ts'
import { api, ingest, ndjson } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'
import { AS_OF, JUNE, sendMeasuresFirm } from './helpers/measures-firm.ts'

const server = useServer({ config: parseConfig({ sources: DEMO_SOURCES }) })

type Answer = Awaited<ReturnType<typeof computeKpi>>
const text = (d: unknown) => (d === null ? null : (d as Decimal).text)
/** [group, numerator, denominator] of each row, as exact decimal text. */
const rowsOf = (a: Answer) => (a.rows as Array<{ group: string; numerator: Decimal; denominator: Decimal }>).map((r) => [r.group, text(r.numerator), text(r.denominator)])

/** The KPI both ways (history, derived facts): the two must be the very same answer. */
async function kpi(name: KpiName, by?: string, period = JUNE, asOf = new Date(AS_OF)): Promise<Answer> {
  const [h, d] = await Promise.all([true, false].map((history) => computeKpi(server.db, name, { ...period, asOf, by, history })))
  expect(JSON.stringify(d), `${name} by ${by}: derived = history`).toBe(JSON.stringify(h))
  return h
}

describe('new KPIs on a firm computed by hand', () => {
  it('loads the firm; gross margin and forecast accuracy read the derived facts', { timeout: 120_000 }, async () => {
    await sendMeasuresFirm(server.url)
    expect(await derivedFile(server.db, 'kpis/gross_margin', new Date(AS_OF))).toBe('kpis/gross_margin.derived.sql')
    expect(await derivedFile(server.db, 'kpis/forecast_accuracy', new Date(AS_OF))).toBe('kpis/forecast_accuracy.derived.sql')
    expect(await derivedFile(server.db, 'kpis/bench_capacity', new Date(AS_OF))).toBeNull()
  })

  it('gross_margin: converted revenue less converted cost; rate-less entries left out', { timeout: 120_000 }, async () => {
    const a = await kpi('gross_margin')
    // e01 800−400, e02 990−440, e03 600−240, e11 120−48, e12 200−96, e15 100−50 (USD).
    expect([text(a.numerator), text(a.denominator)]).toEqual(['1536', '2810'])
    expect(a.value).toBeCloseTo(1536 / 2810, 12)
    // Hours with a converted cost rate (27) over those plus e04 (6) and e14 (1); e13 converts nothing.
    expect(a.coverage).toBe(27 / 34)
    // Entries with a cost rate: 8; e05 (GBP) and e10 (before the first EUR rate) did not convert.
    expect(a.fx_coverage).toBe(6 / 8)
    expect(a.currency).toBe('USD')
    expect(rowsOf(await kpi('gross_margin', 'project'))).toEqual([['P1', '504', '1000'], ['P2', '982', '1710'], ['P4', '50', '100']])
    expect(rowsOf(await kpi('gross_margin', 'practice'))).toEqual([['Strategy', '554', '1100'], ['Tech', '982', '1710']])
    // e07 (May, no currency: the reporting one) joins when the period does.
    const may = await kpi('gross_margin', 'month', { from: '2026-05-01', to: '2026-06-30' })
    expect(rowsOf(may)).toEqual([['2026-05-01', '100', '200'], ['2026-06-01', '1536', '2810']])
  })

  it('forecast_accuracy: planned pro rata over weekdays, actual in the overlap', { timeout: 120_000 }, async () => {
    const a = await kpi('forecast_accuracy')
    // a1 |70−80|, a2 |60−50| (5 of 10 weekdays in June), a6 |25−21| (7 of 10); a3 (a weekend),
    // a4 (cancelled), a5 (no end), a7 (0 planned) left out.
    expect([text(a.numerator), text(a.denominator)]).toEqual(['24', '151'])
    expect(a.value).toBeCloseTo(1 - 24 / 151, 12)
    expect(a.coverage).toBe(1)
    expect(a).not.toHaveProperty('fx_coverage')
    expect(rowsOf(await kpi('forecast_accuracy', 'practice'))).toEqual([['Strategy', '14', '101'], ['Tech', '10', '50']])
    expect(rowsOf(await kpi('forecast_accuracy', 'project'))).toEqual([['P1', '10', '80'], ['P2', '10', '50'], ['P4', '4', '21']])
    // A period that cuts a1 after its first week: planned 40, actual 30.
    const week = await kpi('forecast_accuracy', 'project', { from: '2026-05-30', to: '2026-06-07' })
    expect(rowsOf(week)).toEqual([['P1', '10', '40'], ['P2', '10', '50']])
  })

  it('bench_capacity: the 20 weekdays after the as_of date, hires and leavers counted by day', { timeout: 120_000 }, async () => {
    const a = await kpi('bench_capacity')
    expect([text(a.numerator), text(a.denominator)]).toEqual(['383', '452'])
    expect(a.value).toBe(383 / 452)
    expect([a.from, a.to, a.coverage]).toEqual([null, null, 1])
    expect(rowsOf(await kpi('bench_capacity', 'resource'))).toEqual([['r1', '100', '160'], ['r2', '160', '160'], ['r3', '68', '68'], ['r4', '55', '64']])
    expect(rowsOf(await kpi('bench_capacity', 'practice'))).toEqual([['Strategy', '155', '224'], ['Tech', '228', '228']])
    expect(rowsOf(await kpi('bench_capacity', 'week'))).toEqual([
      ['2026-W27', '51', '72'], ['2026-W28', '100', '140'], ['2026-W29', '92', '100'], ['2026-W30', '100', '100'], ['2026-W31', '40', '40'],
    ])
    // A day later the window moves one weekday: it loses July 1 and gains July 29.
    const next = await kpi('bench_capacity', 'resource', JUNE, new Date('2026-07-01T12:00:00Z'))
    expect(rowsOf(next)).toEqual([['r1', '104', '160'], ['r2', '160', '160'], ['r3', '72', '72'], ['r4', '50', '56']])
  })

  it('records behind each number, one row of by with group, a page at a time', { timeout: 120_000 }, async () => {
    const q = `from=${JUNE.from}&to=${JUNE.to}&as_of=${AS_OF}`
    const gm = await api(server.url, `/api/v1/kpis/gross_margin/records?${q}&by=practice&group=Strategy`)
    expect(gm.status, JSON.stringify(gm.body)).toBe(200)
    expect(gm.body.items.map((r: any) => [r.key, r.converted])).toEqual([['e01', true], ['e05', false], ['e12', true], ['e13', false], ['e14', true], ['e15', true]])
    expect(gm.body.items[2]).toEqual({
      key: 'e12', project: 'P1', practice: 'Strategy', resource: 'r2', work_date: '2026-06-22', hours: 2, revenue: 200, cost: 80,
      currency: 'USD', cost_currency: 'EUR', revenue_reporting: 200, cost_reporting: 96, converted: true,
    })
    expect(gm.body.items[4]).toMatchObject({ key: 'e14', cost: null, cost_currency: null, cost_reporting: null })
    // Pages of two follow each other to the same six records.
    const keys: string[] = []
    let cursor = ''
    for (let i = 0; i < 5; i++) {
      const r = await api(server.url, `/api/v1/kpis/gross_margin/records?${q}&by=practice&group=Strategy&limit=2${cursor && `&cursor=${cursor}`}`)
      keys.push(...r.body.items.map((x: any) => x.key))
      if (!r.body.next_cursor) break
      cursor = r.body.next_cursor
    }
    expect(keys).toEqual(['e01', 'e05', 'e12', 'e13', 'e14', 'e15'])

    // Utilization's records too: r1's approved billable PSA time in June, none with an ERP copy.
    const ut = await api(server.url, `/api/v1/kpis/utilization/records?${q}&by=resource&group=r1`)
    expect(ut.body.items.map((r: any) => r.key)).toEqual(['t1-02', 't1-03', 't1-04', 't1-05', 't1-08', 't1-09', 't1-10', 't1-11', 't1-12', 't1-15', 't3-06'])
    expect(ut.body.items[3]).toEqual({ key: 't1-05', resource: 'r1', practice: 'Strategy', region: '(none)', project: 'P1', work_date: '2026-06-05', hours: 6, reconciled: false })

    const fa = await api(server.url, `/api/v1/kpis/forecast_accuracy/records?${q}&by=project&group=P4`)
    expect(fa.body).toEqual({ items: [{ key: 'a6', project: 'P4', resource: 'r4', practice: 'Strategy', planned: 21, actual: 25, abs_error: 4 }], next_cursor: null })
    const all = await api(server.url, `/api/v1/kpis/forecast_accuracy/records?${q}`)
    expect(all.body.items.map((r: any) => r.key)).toEqual(['a1', 'a2', 'a6'])

    const bc = await api(server.url, `/api/v1/kpis/bench_capacity/records?as_of=${AS_OF}&by=practice&group=Strategy`)
    expect(bc.body.items).toEqual([
      { key: 'r1', name: 'Alice', practice: 'Strategy', free_hours: 100, capacity: 160, weeks: [
        { week: '2026-W27', free_hours: 12 }, { week: '2026-W28', free_hours: 0 }, { week: '2026-W29', free_hours: 32 }, { week: '2026-W30', free_hours: 40 }, { week: '2026-W31', free_hours: 16 },
      ] },
      { key: 'r4', name: 'Dan', practice: 'Strategy', free_hours: 55, capacity: 64, weeks: [{ week: '2026-W27', free_hours: 15 }, { week: '2026-W28', free_hours: 40 }] },
    ])
    const w = await api(server.url, `/api/v1/kpis/bench_capacity/records?as_of=${AS_OF}&by=week&group=2026-W27`)
    expect(w.body.items.map((r: any) => [r.key, r.free_hours, r.capacity])).toEqual([['r1', 12, 24], ['r2', 24, 24], ['r4', 15, 24]])
  })

  it('records: bad requests are 400 or 404 naming the problem', { timeout: 60_000 }, async () => {
    expect((await api(server.url, '/api/v1/kpis/nope/records')).status).toBe(404)
    expect((await api(server.url, '/api/v1/kpis/backlog/records')).status).toBe(404)
    expect((await api(server.url, '/api/v1/kpis/backlog/records')).body.error.message).toContain('no records list')
    const noBy = await api(server.url, '/api/v1/kpis/gross_margin/records?group=Strategy')
    expect([noBy.status, noBy.body.error.message]).toEqual([400, expect.stringContaining('group')])
    const badBy = await api(server.url, '/api/v1/kpis/gross_margin/records?by=week&group=x')
    expect([badBy.status, badBy.body.error.message]).toEqual([400, expect.stringContaining('by')])
    expect((await api(server.url, '/api/v1/kpis/gross_margin/records?cursor=garbage')).status).toBe(400)
  })

  it('weekly: planned against actual per ISO week for a practice or a project', { timeout: 60_000 }, async () => {
    const q = `from=${JUNE.from}&to=${JUNE.to}&as_of=${AS_OF}`
    const s = await api(server.url, `/api/v1/kpis/forecast_accuracy/weekly?${q}&practice=Strategy`)
    expect(s.status, JSON.stringify(s.body)).toBe(200)
    expect(s.body.items).toEqual([
      { week: '2026-W23', planned: 40, actual: 30 }, { week: '2026-W24', planned: 40, actual: 40 }, { week: '2026-W25', planned: 0, actual: 0 },
      { week: '2026-W26', planned: 15, actual: 20 }, { week: '2026-W27', planned: 6, actual: 5 },
    ])
    const p = await api(server.url, `/api/v1/kpis/forecast_accuracy/weekly?${q}&project=P2`)
    expect(p.body.items.map((r: any) => [r.week, r.planned, r.actual])).toEqual([['2026-W23', 50, 60], ['2026-W24', 0, 0], ['2026-W25', 0, 0], ['2026-W26', 0, 0], ['2026-W27', 0, 0]])
  })

  it('a KPI answer carries its configured target', { timeout: 60_000 }, async () => {
    const gm = await api(server.url, `/api/v1/kpis/gross_margin?from=${JUNE.from}&to=${JUNE.to}&as_of=${AS_OF}`)
    expect([gm.status, gm.body.target, gm.body.fx_coverage]).toEqual([200, 0.3, 0.75])
    expect((await api(server.url, '/api/v1/kpis/utilization')).body.target).toBeNull()
    expect(Object.keys(KPIS)).toContain('bench_capacity')
  })

  it('a later correction: as of now and as of before it, derived = history', { timeout: 120_000 }, async () => {
    // e01 becomes 4 hours an hour after the firm was loaded.
    const r = await ingest(server.url, 'netsuite', 'time_entry', ndjson([{ key: 'e01', resource_key: 'r1', project_key: 'P1', work_date: '2026-06-02', hours: 4, bill_rate: 100, currency: 'USD', billable: true, status: 'approved' }]), 'batch=fix&observed_at=2026-06-30T07:00:00Z')
    expect(r.status).toBe(200)
    const now = await kpi('gross_margin', 'project', JUNE, new Date('2026-06-30T12:00:00Z'))
    expect(rowsOf(now)[0]).toEqual(['P1', '304', '600'])
    const before = await kpi('gross_margin', 'project', JUNE, new Date('2026-06-30T06:30:00Z'))
    expect(rowsOf(before)[0]).toEqual(['P1', '504', '1000'])
  })
})
