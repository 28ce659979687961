// The overview's margin, forecast and bench charts: option builders (what a reader sees, what a
// click drills into), the drill-down tables' columns, and the queries the cards send.
import { describe, expect, it } from 'vitest'
import { accuracyOption, benchOption, benchWeeksOption, marginOption, plannedActualOption, weekLabel } from '../web/lib/charts/measures.ts'
import { DARK, LIGHT } from '../web/lib/charts/palette.ts'
import { columnWidth, formatCell, kindOf, RECORD_VIEWS, recordColumns, recordKey } from '../web/routes/overview/record-columns.ts'
import { instantOf, recordsQuery, targetOf, weeklyQuery } from '../web/routes/overview/measures-data.ts'
import { monthRanges, planTile, tileDetail, TILES } from '../web/lib/kpi-tiles.ts'
import { wideTile } from '../web/routes/overview/tile-grid.ts'

const fmt = { locale: 'en-US', currency: 'USD' }
type Any = Record<string, any>
const series = (o: Any, i = 0) => (Array.isArray(o.series) ? o.series[i] : o.series) as Any
const call = (f: unknown, ...a: unknown[]) => (f as (...x: unknown[]) => unknown)(...a)

const practices = [
  { group: 'Tech', value: 0.28, numerator: 28000, denominator: 100000 },
  { group: 'Strategy', value: 0.41, numerator: 41000, denominator: 100000 },
  { group: '', value: null, numerator: null, denominator: null },
]

describe('marginOption', () => {
  it('puts the best practice on top, keys bars by practice and notes margin and revenue', () => {
    const o = marginOption(practices, 0.35, LIGHT, fmt) as Any
    expect(o.yAxis.data).toEqual(['Strategy', 'Tech', '(none)'])
    expect(series(o).data.map((d: Any) => d.key)).toEqual(['Strategy', 'Tech', ''])
    expect(series(o).data[0].note).toBe('$41K margin on $100K revenue')
    expect(series(o).data[2].note).toBeUndefined()
    expect(call(series(o).label.formatter, { value: 0.41 })).toBe('41%')
  })
  it('draws the target as a dashed line and colours practices under it amber', () => {
    const o = marginOption(practices, 0.35, DARK, fmt) as Any
    expect(series(o).markLine.data).toEqual([{ xAxis: 0.35, name: 'Target' }])
    expect(series(o).markLine.lineStyle.type).toBe('dashed')
    expect(series(o).markLine.label.formatter).toBe('Target 35%')
    expect(series(o).data.map((d: Any) => d.itemStyle.color)).toEqual([DARK.series[0], DARK.warn, DARK.warn])
  })
  it('has no line and no warnings without a target', () => {
    const o = marginOption(practices, null, LIGHT, fmt) as Any
    expect(series(o).markLine).toBeUndefined()
    expect(series(o).data.every((d: Any) => d.itemStyle.color === LIGHT.series[0])).toBe(true)
  })
})

describe('accuracyOption', () => {
  const rows = Array.from({ length: 12 }, (_, i) => ({ group: `P${i}`, value: 1 - i / 10, numerator: i * 10, denominator: 100 }))
  it('keeps the top ten, most accurate first, with hours off plan in the note', () => {
    const o = accuracyOption(rows, LIGHT, fmt) as Any
    expect(o.yAxis.data).toHaveLength(10)
    expect(o.yAxis.data[0]).toBe('P0')
    expect(series(o).data[3].note).toBe('30 h off plan of 100 h planned')
  })
  it('shows an accuracy below zero (more off plan than planned) as a negative share', () => {
    const o = accuracyOption([{ group: 'X', value: -0.25, numerator: 125, denominator: 100 }], LIGHT, fmt) as Any
    expect(series(o).data[0].value).toBe(-0.25)
    expect(call(series(o).label.formatter, { value: -0.25 })).toBe('-25%')
  })
})

describe('benchOption and benchWeeksOption', () => {
  it('lists practices by free share, with free and capacity hours', () => {
    const o = benchOption([{ group: 'Tech', value: 0.5, numerator: 160, denominator: 320 }, { group: 'Strategy', value: 0.75, numerator: 480, denominator: 640 }], LIGHT, fmt) as Any
    expect(o.yAxis.data).toEqual(['Strategy', 'Tech'])
    expect(series(o).data[1].note).toBe('160 h free of 320 h')
  })
  const weeks = [
    { group: '2026-W28', value: 0.25, numerator: 40, denominator: 160 },
    { group: '2026-W27', value: 0.5, numerator: 80, denominator: 160 },
  ]
  it('draws free hours per week in week order, labelled with the free share, each week drilling by its ISO week', () => {
    const o = benchWeeksOption(weeks, LIGHT, fmt) as Any
    expect(o.xAxis.data).toEqual(['W27', 'W28'])
    expect(series(o).data).toEqual([
      { value: 80, name: '2026-W27', key: '2026-W27' },
      { value: 40, name: '2026-W28', key: '2026-W28' },
    ])
    expect(call(series(o).label.formatter, { dataIndex: 1 })).toBe('25%')
    const html = call(o.tooltip.formatter, [{ dataIndex: 0 }]) as string
    expect(html).toContain('2026-W27')
    expect(html).toContain('80 h free of 160 h')
    expect(call(o.yAxis.axisLabel.formatter, 120)).toBe('120 h')
  })
})

describe('plannedActualOption', () => {
  const items = [
    { week: '2026-W24', planned: 40, actual: 30 },
    { week: '2026-W23', planned: 40, actual: 41 },
    { week: '2026-W25', planned: 0, actual: 0 },
  ]
  it('shows planned in grey beside actual per week, in week order, with a legend', () => {
    const o = plannedActualOption(items, LIGHT, fmt) as Any
    expect(o.xAxis.data).toEqual(['W23', 'W24', 'W25'])
    expect(o.legend).toBeDefined()
    expect(series(o, 0)).toMatchObject({ name: 'Planned', itemStyle: { color: LIGHT.series[6] } })
    expect(series(o, 0).data.map((d: Any) => d.value)).toEqual([40, 40, 0])
    expect(series(o, 1).data.map((d: Any) => d.value)).toEqual([41, 30, 0])
  })
  it('colours actual hours amber when more than 10% off plan', () => {
    const o = plannedActualOption(items, DARK, fmt) as Any
    expect(series(o, 1).data.map((d: Any) => d.itemStyle.color)).toEqual([DARK.series[0], DARK.warn, DARK.series[0]])
  })
  it('gives both numbers and the gap in the tooltip', () => {
    const o = plannedActualOption(items, LIGHT, fmt) as Any
    const html = call(o.tooltip.formatter, [{ dataIndex: 1 }]) as string
    expect(html).toContain('2026-W24')
    expect(html).toContain('Planned 40 h')
    expect(html).toContain('Actual 30 h')
    expect(html).toContain('−10 h against plan')
  })
  it('keeps odd week labels as they are', () => {
    expect(weekLabel('2026-W01')).toBe('W01')
    expect(weekLabel('unknown')).toBe('unknown')
  })
})

describe('recordColumns', () => {
  const people = [
    { key: 'r1', name: 'Alice', practice: 'Strategy', free_hours: 64, capacity: 160, weeks: [{ week: '2026-W28', free_hours: 16 }, { week: '2026-W27', free_hours: 8 }] },
    { key: 'r2', name: 'Bob', practice: 'Tech', free_hours: 12.5, capacity: 160, weeks: [{ week: '2026-W29', free_hours: 12.5 }] },
  ]
  it('reads scalar fields in order, hours by name, and one column per week across all records', () => {
    const cols = recordColumns(people, RECORD_VIEWS.bench_capacity)
    expect(cols.map((c) => [c.header, c.kind])).toEqual([
      ['Name', 'text'],
      ['Practice', 'text'],
      ['Free', 'hours'],
      ['Capacity', 'hours'],
      ['W27', 'hours'],
      ['W28', 'hours'],
      ['W29', 'hours'],
    ])
    expect(cols[4].get(people[0])).toBe(8)
    expect(cols[6].get(people[0])).toBeUndefined()
    expect(cols[6].get(people[1])).toBe(12.5)
  })
  it('shows gross margin amounts in the reporting currency only, and assignments’ error in hours', () => {
    const entry = { key: 't1', project: 'P1', practice: 'Tech', resource: 'r2', work_date: '2026-06-03', hours: 10, revenue: 900, cost: 400, currency: 'EUR', cost_currency: 'EUR', revenue_reporting: 990, cost_reporting: 440, converted: true }
    const cols = recordColumns([entry], RECORD_VIEWS.gross_margin)
    expect(cols.map((c) => c.header)).toEqual(['Key', 'Project', 'Practice', 'Resource', 'Work date', 'Hours', 'Revenue', 'Cost', 'Converted'])
    expect(cols.map((c) => c.kind)).toEqual(['text', 'text', 'text', 'text', 'text', 'hours', 'money', 'money', 'text'])
    const fa = recordColumns([{ key: 'a1', project: 'P1', resource: 'r1', practice: 'Tech', planned: 40, actual: 31.5, abs_error: 8.5 }], RECORD_VIEWS.forecast_accuracy)
    expect(fa.slice(4).map((c) => [c.header, c.kind])).toEqual([['Planned', 'hours'], ['Actual', 'hours'], ['Off plan', 'hours']])
  })
  it('types money, shares and plain numbers, and leaves keys as text', () => {
    expect(kindOf('bill_rate', 120)).toBe('money')
    expect(kindOf('revenue', '800.5')).toBe('money')
    expect(kindOf('planned', 12)).toBe('hours')
    expect(kindOf('accuracy', 0.9)).toBe('ratio')
    expect(kindOf('days', 3)).toBe('number')
    expect(kindOf('project_key', '42')).toBe('text')
    expect(recordColumns([])).toEqual([])
  })
  it('formats cells per kind and keys rows by their key fields', () => {
    expect(formatCell('hours', 7.25, fmt)).toBe('7.25 h')
    expect(formatCell('hours', 7.25, fmt, true)).toBe('7')
    expect(formatCell('money', '1234.5', fmt)).toBe('$1,234.50')
    expect(formatCell('ratio', 0.125, fmt)).toBe('12.5%')
    expect(formatCell('text', null, fmt)).toBe('—')
    expect(formatCell('text', true, fmt)).toBe('yes')
    expect(recordKey({ key: 'a1', project_key: 'P1', hours: 3 }, 4)).toBe('a1|P1')
    expect(recordKey({ hours: 3 }, 4)).toBe('4')
  })
})

describe('the cards’ queries', () => {
  const live = { range: { from: '2026-01-01', to: '2026-06-30' }, asOf: new Date('2026-06-30T10:00:00Z'), live: true }
  const past = { range: { from: '2026-04-01', to: '2026-06-30' }, asOf: new Date('2026-08-10T23:59:59.999Z'), live: false }
  it('reads the margin target from the answer, null when there is none', () => {
    expect(targetOf({ target: 0.35 } as never)).toBe(0.35)
    expect(targetOf({ target: null } as never)).toBeNull()
    expect(targetOf({} as never)).toBeNull()
    expect(targetOf(undefined)).toBeNull()
  })
  it('asks for a period KPI’s records over the period, and the bench’s at its instant', () => {
    expect(recordsQuery({ name: 'gross_margin', by: 'practice', group: 'Tech', label: 'Tech' }, past)).toEqual({
      from: '2026-04-01', to: '2026-06-30', as_of: '2026-08-10T23:59:59.999Z', by: 'practice', group: 'Tech', cursor: undefined,
    })
    expect(recordsQuery({ name: 'bench_capacity', by: 'week', group: '2026-W28', label: 'W28' }, past, 'c1')).toEqual({ as_of: '2026-06-30T23:59:59.999Z', by: 'week', group: '2026-W28', cursor: 'c1' })
    expect(instantOf(live)).toBeUndefined()
    // The bench list: everyone, one large page.
    const all = recordsQuery({ name: 'bench_capacity', by: '', group: '', label: '' }, live, undefined, 1000)
    expect(Object.entries(all).filter(([, v]) => v !== undefined)).toEqual([['limit', 1000]])
  })
  it('sends the chosen practice or project, project names with colons kept whole', () => {
    expect(weeklyQuery('practice:Tech', live)).toEqual({ from: '2026-01-01', to: '2026-06-30', as_of: undefined, practice: 'Tech' })
    expect(weeklyQuery('project:P:1', past)).toMatchObject({ project: 'P:1' })
  })
})

describe('the new KPI tiles', () => {
  const answer = (kpi: string, numerator: number, denominator: number) => ({ kpi, unit: 'ratio', value: null, numerator, denominator, rows: [] }) as never
  it('read as good news when margin and accuracy rise, and bad when the bench grows', () => {
    const up = Object.fromEntries(TILES.map((t) => [t.name, t.goodWhenUp]))
    expect(up).toMatchObject({ gross_margin: true, forecast_accuracy: true, bench_capacity: false })
    expect(TILES.find((t) => t.name === 'bench_capacity')!.pointInTime).toBe(true)
  })
  it('say what the share is made of under the value', () => {
    expect(tileDetail(answer('gross_margin', 41000, 100000), 'en-US', 'USD')).toBe('$41K margin on $100K')
    expect(tileDetail(answer('forecast_accuracy', 120.5, 1600), 'en-US', 'USD')).toBe('121 h off plan of 1,600 h')
    expect(tileDetail(answer('bench_capacity', 640, 3200), 'en-US', 'USD')).toBe('640 of 3,200 h free, next 4 weeks')
  })
})

describe('the forecast accuracy tile’s sparkline', () => {
  it('asks one query per month, as the KPI has no month breakdown (by=month would be refused)', () => {
    const asOf = new Date('2026-06-15T12:00:00Z')
    const p = planTile(TILES.find((t) => t.name === 'forecast_accuracy')!, { from: '2026-01-01', to: '2026-06-15' }, asOf)
    expect(p.spark.every((q) => q.by === undefined)).toBe(true)
    expect(p.spark.map((q) => [q.from, q.to])).toEqual([
      ['2026-01-01', '2026-01-31'],
      ['2026-02-01', '2026-02-28'],
      ['2026-03-01', '2026-03-31'],
      ['2026-04-01', '2026-04-30'],
      ['2026-05-01', '2026-05-31'],
      ['2026-06-01', '2026-06-15'],
    ])
    expect(p.spark[0].as_of).toBe(asOf.toISOString())
    expect(p.months).toHaveLength(6)
    // Gross margin keeps its one by=month query.
    const g = planTile(TILES.find((t) => t.name === 'gross_margin')!, { from: '2026-01-01', to: '2026-06-15' }, asOf)
    expect(g.spark).toEqual([{ by: 'month', from: '2026-01-01', to: '2026-06-15', as_of: asOf.toISOString() }])
    expect(monthRanges('2024-03-10', 2)).toEqual([{ from: '2024-02-01', to: '2024-02-29' }, { from: '2024-03-01', to: '2024-03-10' }])
  })
})

describe('columnWidth', () => {
  it('fixes dates, keeps hours narrow and gives names and amounts the room', () => {
    const cols = recordColumns([{ key: 't1', project: 'P1', work_date: '2026-06-03', hours: 10, revenue_reporting: 990 }], RECORD_VIEWS.gross_margin)
    expect(cols.map((c, i) => columnWidth(c, i))).toEqual(['minmax(108px, 1.2fr)', 'minmax(84px, 1fr)', '106px', 'minmax(72px, 0.6fr)', 'minmax(94px, 1fr)'])
  })
})

describe('wideTile', () => {
  it('widens the tiles that close the last row of four, as pages.css does', () => {
    const wide = (n: number) => Array.from({ length: n }, (_, i) => i).filter((i) => wideTile(i, n))
    expect(wide(7)).toEqual([6])
    expect(wide(10)).toEqual([8, 9])
    expect(wide(9)).toEqual([8])
    expect(wide(8)).toEqual([])
  })
})
