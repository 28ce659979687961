// The dashboard's pure helpers: periods, the exception view in the URL and the polled merge,
// side-by-side values, the KPI tile request plan, the span waterfall, URLs and role rules.
import { describe, expect, it } from 'vitest'
import { buildUrl } from '../web/lib/api.ts'
import type { ExceptionItem, KpiAnswer, Span } from '../web/lib/endpoints.ts'
import { compareExceptions, emptyView, mergePolled, parseView, viewToApiQuery, viewToSearch, activeFilterCount } from '../web/lib/exception-view.ts'
import { monthList, monthlySeries, planTile, TILES, tileDetail } from '../web/lib/kpi-tiles.ts'
import { endOfDay, monthsBack, periodRange, previousRange, rangeDays, sparklineInstants } from '../web/lib/periods.ts'
import { canExport, canReplay, canSee, canTriage, FINANCE_RULES } from '../web/lib/permissions.ts'
import { sideBySide } from '../web/lib/side-by-side.ts'
import { timeTicks, waterfallRows } from '../web/lib/waterfall.ts'

const asOf = new Date('2026-11-24T02:54:04Z')

describe('periods', () => {
  it('resolves presets against the as_of date', () => {
    expect(periodRange('ytd', asOf)).toEqual({ from: '2026-01-01', to: '2026-11-24' })
    expect(periodRange('mtd', asOf)).toEqual({ from: '2026-11-01', to: '2026-11-24' })
    expect(periodRange('last_month', asOf)).toEqual({ from: '2026-10-01', to: '2026-10-31' })
    expect(periodRange('qtd', asOf)).toEqual({ from: '2026-10-01', to: '2026-11-24' })
    expect(periodRange('last_quarter', asOf)).toEqual({ from: '2026-07-01', to: '2026-09-30' })
    expect(periodRange('last_6m', asOf)).toEqual({ from: '2026-06-01', to: '2026-11-24' })
    expect(periodRange('last_12m', asOf)).toEqual({ from: '2025-12-01', to: '2026-11-24' })
    expect(periodRange('last_quarter', new Date('2026-02-10T00:00:00Z'))).toEqual({ from: '2025-10-01', to: '2025-12-31' })
  })
  it('compares whole months with the months before, other ranges with as many days before', () => {
    expect(previousRange({ from: '2026-10-01', to: '2026-10-31' })).toEqual({ from: '2026-09-01', to: '2026-09-30' })
    expect(previousRange({ from: '2026-07-01', to: '2026-09-30' })).toEqual({ from: '2026-04-01', to: '2026-06-30' })
    expect(previousRange({ from: '2026-11-01', to: '2026-11-24' })).toEqual({ from: '2026-10-08', to: '2026-10-31' })
    expect(rangeDays({ from: '2026-11-01', to: '2026-11-24' })).toBe(24)
  })
  it('finds month windows and sparkline instants', () => {
    expect(monthsBack('2026-11-24', 6)).toBe('2026-06-01')
    expect(monthsBack('2026-02-10', 6)).toBe('2025-09-01')
    expect(sparklineInstants(asOf, 3)).toEqual(['2026-09-30T23:59:59.999Z', '2026-10-31T23:59:59.999Z', asOf.toISOString()])
    expect(endOfDay('2026-10-31')).toBe('2026-10-31T23:59:59.999Z')
  })
})

describe('KPI tile plans', () => {
  const range = periodRange('ytd', asOf)
  it('asks a period KPI for the period, the previous one and six months by month', () => {
    const p = planTile(TILES.find((t) => t.name === 'utilization')!, range, asOf)
    // With the practice breakdown the overview charts beside it: one query for both.
    expect(p.current).toEqual({ from: '2026-01-01', to: '2026-11-24', as_of: asOf.toISOString(), by: 'practice' })
    expect(p.previous).toEqual({ from: '2025-02-07', to: '2025-12-31', as_of: asOf.toISOString() })
    expect(p.spark).toEqual([{ by: 'month', from: '2026-06-01', to: '2026-11-24', as_of: asOf.toISOString() }])
    expect(p.months).toEqual(['2026-06-01', '2026-07-01', '2026-08-01', '2026-09-01', '2026-10-01', '2026-11-01'])
  })
  it('leaves as_of out of live views, so their URLs repeat', () => {
    const u = planTile(TILES.find((t) => t.name === 'utilization')!, range, asOf, 'en-US', true)
    expect(u.current).toEqual({ from: '2026-01-01', to: '2026-11-24', as_of: undefined, by: 'practice' })
    const w = planTile(TILES.find((t) => t.name === 'unbilled_wip')!, range, asOf, 'en-US', true)
    expect(w.current).toEqual({ by: 'age' })
    expect(w.spark).toHaveLength(5)
    // A period that ended before as_of still reads as of its end.
    const b = planTile(TILES.find((t) => t.name === 'backlog')!, periodRange('last_month', asOf), asOf, 'en-US', true)
    expect(b.current).toEqual({ as_of: '2026-10-31T23:59:59.999Z', by: undefined })
  })
  it('reads a point-in-time KPI as of the period end and its start, sampled at month ends', () => {
    const p = planTile(TILES.find((t) => t.name === 'backlog')!, periodRange('last_month', asOf), asOf)
    expect(p.current).toEqual({ as_of: '2026-10-31T23:59:59.999Z', by: undefined })
    expect(p.previous).toEqual({ as_of: '2026-09-30T23:59:59.999Z' })
    expect(p.spark.map((q) => q.as_of)).toEqual(['2026-05-31T23:59:59.999Z', '2026-06-30T23:59:59.999Z', '2026-07-31T23:59:59.999Z', '2026-08-31T23:59:59.999Z', '2026-09-30T23:59:59.999Z'])
    expect(p.changeLabel).toBe('since Oct 1')
  })
  it('aligns monthly rows to the six months, null where a month has none', () => {
    const a = { rows: [{ group: '2026-07-01', value: 0.7 }, { group: '2026-11-01', value: 0.6 }] } as KpiAnswer
    expect(monthlySeries(a, monthList('2026-11-24'))).toEqual([null, 0.7, null, null, null, 0.6])
  })
  it('writes the small print under a tile', () => {
    expect(tileDetail({ kpi: 'utilization', numerator: 40065.5, denominator: 99728 } as KpiAnswer, 'en-US', 'USD')).toBe('40,066 of 99,728 capacity h')
    expect(tileDetail({ kpi: 'pipeline_to_project_hours', n: 38, p90: 58.75 } as KpiAnswer, 'en-US', 'USD')).toBe('median of 38 deals · p90 2.4 d')
    expect(tileDetail({ kpi: 'backlog' } as KpiAnswer, 'en-US', 'USD')).toBeUndefined()
  })

})

const ex = (id: string, amount: number, first = '2026-11-24T00:00:00Z', status: ExceptionItem['status'] = 'open'): ExceptionItem =>
  ({ id, rule: 'time_entry_hours_mismatch', amount_at_risk: amount, first_detected_at: first, due_at: null, status }) as ExceptionItem

describe('exception view in the URL', () => {
  it('parses repeated and comma lists, booleans and sort, ignoring bad sorts', () => {
    const v = parseView(new URLSearchParams('rule=b,a&rule=c&overdue=true&q=TE-1&sort=-age&severity='))
    expect(v.rule).toEqual(['b', 'a', 'c'])
    expect(v.overdue).toBe(true)
    expect(v.q).toBe('TE-1')
    expect(v.sort).toBe('-age')
    expect(parseView({ sort: 'drop table' }).sort).toBe('-amount_at_risk')
  })
  it('writes a canonical query string without defaults, so equal views share one URL', () => {
    const a = parseView(new URLSearchParams('severity=high&rule=b,a'))
    const b = parseView(new URLSearchParams('rule=a&rule=b&severity=high&sort=-amount_at_risk'))
    expect(viewToSearch(a)).toBe('?rule=a%2Cb&severity=high')
    expect(viewToSearch(a)).toBe(viewToSearch(b))
    expect(viewToSearch(emptyView())).toBe('')
    expect(viewToSearch(a, { id: 'x1' })).toBe('?rule=a%2Cb&severity=high&id=x1')
    expect(viewToApiQuery(parseView({ status: 'all', overdue: 'true', sort: 'due_at' }))).toEqual({ status: 'all', overdue: 'true', sort: 'due_at' })
    expect(activeFilterCount(parseView({ rule: 'a', q: 'x', sort: 'age' }))).toBe(2)
  })
  it('orders rows as the server does', () => {
    const rows = [ex('a', 5), ex('b', 10), ex('c', 10)]
    expect([...rows].sort(compareExceptions('-amount_at_risk')).map((r) => r.id)).toEqual(['c', 'b', 'a'])
    expect([...rows].sort(compareExceptions('amount_at_risk')).map((r) => r.id)).toEqual(['a', 'b', 'c'])
    const aged = [ex('new', 1, '2026-11-24T00:00:00Z'), ex('old', 1, '2026-11-01T00:00:00Z')]
    expect([...aged].sort(compareExceptions('age')).map((r) => r.id)).toEqual(['old', 'new'])
  })
  it('merges a polled page: new rows in order, changed rows replaced, vanished rows dropped', () => {
    const rows = [ex('a', 50), ex('b', 30), ex('c', 10)]
    const fresh = [ex('a', 50, undefined, 'acknowledged'), ex('n', 40), ex('c', 10)]
    const m = mergePolled(rows, fresh, '-amount_at_risk', true)
    expect(m.rows.map((r) => r.id)).toEqual(['a', 'n', 'c'])
    expect(m.rows[0].status).toBe('acknowledged')
    expect(m.added).toEqual(['n'])
    expect(m.removed).toEqual(['b'])
  })
  it('keeps rows past a partial page', () => {
    const rows = [ex('a', 50), ex('b', 30), ex('c', 10)]
    const m = mergePolled(rows, [ex('a', 50)], '-amount_at_risk', false)
    expect(m.rows.map((r) => r.id)).toEqual(['a', 'b', 'c'])
    expect(m.removed).toEqual([])
  })
})

describe('side by side', () => {
  it('puts differing fields first, systems in CRM, PSA, ERP, HR order', () => {
    const t = sideBySide({
      erp: { hours: '17.5', bill_rate: '190', invoice_key: 'INV-1' },
      psa: { hours: '7.5', bill_rate: '190.00', project_key: 'PRJ-1' },
      diff: { hours: '-10' },
    })
    expect(t.systems).toEqual(['psa', 'erp'])
    expect(t.rows.map((r) => [r.field, r.differs])).toEqual([
      ['hours', true],
      ['bill_rate', false],
      ['project_key', false],
      ['invoice_key', false],
    ])
    expect(t.rows[0].diff).toBe('-10')
  })
  it('compares numbers and instants by value, and an empty side as a difference', () => {
    const t = sideBySide({ crm: { won_at: '2026-11-21 00:00:00.000', amount: '10' }, erp: { won_at: '2026-11-21T00:00:00Z', amount: null } })
    expect(t.rows.find((r) => r.field === 'won_at')!.differs).toBe(false)
    expect(t.rows.find((r) => r.field === 'amount')!.differs).toBe(true)
    expect(sideBySide(null)).toEqual({ systems: [], missing: [], rows: [] })
  })
  it('marks a system without the record as missing and drops rows empty everywhere', () => {
    const t = sideBySide({ hr: { name: 'Tomas', email: 'tomas@firm.example' }, psa: { key: null } })
    expect(t.missing).toEqual(['psa'])
    expect(t.rows.map((r) => r.field)).toEqual(['name', 'email'])
  })
  it('takes a given side order', () => {
    expect(sideBySide({ ERP: { a: 1 }, PSA: { a: 2 } }, ['PSA', 'ERP']).systems).toEqual(['PSA', 'ERP'])
  })
})

describe('span waterfall', () => {
  const span = (id: string, parent: string | null, offset: number, dur: number, status = 'STATUS_CODE_OK'): Span =>
    ({ span_id: id, parent_span_id: parent, name: id, service: 's', offset_ms: offset, duration_ms: dur, status, status_message: null, attributes: {}, started_at: '' }) as Span
  it('nests children under parents by start time, as shares of the trace', () => {
    const { rows, totalMs } = waterfallRows([span('c2', 'root', 500, 500, 'STATUS_CODE_ERROR'), span('root', null, 0, 1000), span('c1', 'root', 100, 200), span('orphan', 'gone', 900, 100)])
    expect(totalMs).toBe(1000)
    expect(rows.map((r) => [r.span.span_id, r.depth])).toEqual([['root', 0], ['c1', 1], ['c2', 1], ['orphan', 0]])
    expect(rows[1]).toMatchObject({ left: 10, width: 20, failed: false })
    expect(rows[2].failed).toBe(true)
  })
  it('ticks the time axis in round steps', () => {
    expect(timeTicks(1000)).toEqual([0, 250, 500, 750, 1000])
    expect(timeTicks(4791)).toEqual([0, 2000, 4000])
  })
})

describe('api urls', () => {
  it('leaves out empty values and joins lists', () => {
    expect(buildUrl('/api/v1/exceptions', { rule: ['a', 'b'], q: '', owner: undefined, limit: 50, overdue: true, x: [] })).toBe('/api/v1/exceptions?limit=50&overdue=true&rule=a%2Cb')
    // One question, one URL, whatever the order it was asked in.
    expect(buildUrl('/k', { to: '2', by: 'x', from: '1' })).toBe(buildUrl('/k', { from: '1', to: '2', by: 'x' }))
    expect(buildUrl('/api/v1/kpis')).toBe('/api/v1/kpis')
  })
})

describe('roles', () => {
  it('shows executives the overview only', () => {
    expect(canSee('executive', 'overview')).toBe(true)
    for (const p of ['exceptions', 'finance', 'transactions', 'sources'] as const) expect(canSee('executive', p)).toBe(false)
    for (const r of ['ops', 'finance', 'admin'] as const) expect(canSee(r, 'exceptions')).toBe(true)
  })
  it('lets finance triage finance rules and ops the rest, admins everything', () => {
    expect(FINANCE_RULES).toContain('invoice_amount_mismatch')
    expect(canTriage('finance', 'invoice_amount_mismatch')).toBe(true)
    expect(canTriage('finance', 'transaction_failed')).toBe(false)
    expect(canTriage('ops', 'transaction_failed')).toBe(true)
    expect(canTriage('ops', 'invoice_amount_mismatch')).toBe(false)
    expect(canTriage('admin', 'invoice_amount_mismatch')).toBe(true)
    expect(canTriage('executive', 'transaction_failed')).toBe(false)
  })
  it('exports for finance and admin, replays for ops and admin', () => {
    expect([canExport('finance'), canExport('admin'), canExport('ops'), canExport('executive')]).toEqual([true, true, false, false])
    expect([canReplay('ops'), canReplay('admin'), canReplay('finance')]).toEqual([true, true, false])
  })
})
