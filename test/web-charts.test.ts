// Every ECharts option builder of the dashboard: pure functions from API rows to options. The
// tests check what a reader sees (categories, values, target lines, colours by state, labels)
// and what a click drills down by (each datum's key).
import { describe, expect, it } from 'vitest'
import { barListOption, moneyByGroupOption, unitFormatter, utilizationOption, wipAgingOption, WIP_BUCKETS, escapeHtml } from '../web/lib/charts/bars.ts'
import { DARK, LIGHT, baseOption, FONT } from '../web/lib/charts/palette.ts'
import { freshnessOption, openedResolvedOption, sparklinePath, workflowHealthOption } from '../web/lib/charts/series.ts'

const fmt = { locale: 'en-US', currency: 'USD' }
type Any = Record<string, any>
const series = (o: Any, i = 0) => (Array.isArray(o.series) ? o.series[i] : o.series) as Any
const call = (f: unknown, ...a: unknown[]) => (f as (...x: unknown[]) => unknown)(...a)

describe('baseOption', () => {
  it('uses the theme colours and the page font on a transparent background', () => {
    const o = baseOption(DARK) as Any
    expect(o.backgroundColor).toBe('transparent')
    expect(o.textStyle).toEqual({ color: DARK.text, fontFamily: FONT })
    expect(o.tooltip.backgroundColor).toBe(DARK.surface)
    expect(o.tooltip.confine).toBe(true)
  })
})

describe('barListOption', () => {
  const items = [
    { key: 'a', label: 'Alpha', value: 0.8 },
    { key: 'b', label: 'Beta', value: 0.5, note: '12 h' },
    { key: 'c', label: 'Gamma', value: null },
  ]
  it('lays out one horizontal bar per item, first on top, with drill-down keys', () => {
    const o = barListOption({ items, unit: 'ratio', palette: LIGHT, fmt }) as Any
    expect(o.yAxis.type).toBe('category')
    expect(o.yAxis.inverse).toBe(true)
    expect(o.yAxis.data).toEqual(['Alpha', 'Beta', 'Gamma'])
    expect(series(o).data.map((d: Any) => [d.key, d.value])).toEqual([['a', 0.8], ['b', 0.5], ['c', 0]])
    expect(series(o).markLine).toBeUndefined()
  })
  it('draws the target line and colours bars under it as warnings', () => {
    const o = barListOption({ items, unit: 'ratio', palette: LIGHT, fmt, target: 0.75 }) as Any
    expect(series(o).markLine.data).toEqual([{ xAxis: 0.75, name: 'Target' }])
    expect(series(o).markLine.label.formatter).toBe('Target 75%')
    expect(series(o).data.map((d: Any) => d.itemStyle.color)).toEqual([LIGHT.series[0], LIGHT.warn, LIGHT.warn])
  })
  it('keeps ratio axes to at least 100%, and labels values in the unit', () => {
    const o = barListOption({ items, unit: 'ratio', palette: LIGHT, fmt }) as Any
    expect(call(o.xAxis.max, { max: 0.8 })).toBe(1)
    expect(call(o.xAxis.max, { max: 1.2 })).toBe(1.2)
    expect(call(series(o).label.formatter, { value: 0.8 })).toBe('80%')
    const m = barListOption({ items: [{ key: 'x', label: 'X', value: 2400000 }], unit: 'currency', palette: LIGHT, fmt }) as Any
    expect(m.xAxis.max).toBeUndefined()
    expect(call(series(m).label.formatter, { value: 2400000 })).toBe('$2.4M')
  })
  it('shows the full value and the note in the tooltip, escaped', () => {
    const o = barListOption({ items: [{ key: 'k', label: '<b>x</b>', value: 1234.5, note: 'a & b' }], unit: 'currency', palette: LIGHT, fmt }) as Any
    const html = call(o.tooltip.formatter, [{ data: series(o).data[0] }]) as string
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;')
    expect(html).toContain('$1,234.50')
    expect(html).toContain('a &amp; b')
  })
})

describe('utilizationOption', () => {
  it('sorts practices by utilization and notes billable hours', () => {
    const o = utilizationOption(
      [
        { group: 'Strategy', value: 0.39, numerator: 8920.5 },
        { group: 'Technology', value: 0.42, numerator: 16277.5 },
        { group: '', value: 0.1 },
      ],
      0.75,
      LIGHT,
      fmt,
    ) as Any
    expect(o.yAxis.data).toEqual(['Technology', 'Strategy', '(none)'])
    expect(series(o).data[0]).toMatchObject({ key: 'Technology', value: 0.42, note: '16,277.5 billable h' })
    expect(series(o).markLine.data[0].xAxis).toBe(0.75)
  })
})

describe('moneyByGroupOption', () => {
  const rows = [
    { group: 'time_entry_hours_mismatch', amount_at_risk: 4731.25, count: 8 },
    { group: 'won_opportunity_without_project', amount_at_risk: 2805125.5, count: 3 },
    { group: 'source_stale', amount_at_risk: 0, count: 1 },
  ]
  it('orders by amount, shows titles, drills by rule id, and counts in the note', () => {
    const o = moneyByGroupOption(rows, (g) => g.toUpperCase(), LIGHT, fmt) as Any
    expect(o.yAxis.data).toEqual(['WON_OPPORTUNITY_WITHOUT_PROJECT', 'TIME_ENTRY_HOURS_MISMATCH', 'SOURCE_STALE'])
    expect(series(o).data.map((d: Any) => d.key)).toEqual(['won_opportunity_without_project', 'time_entry_hours_mismatch', 'source_stale'])
    expect(series(o).data[2].note).toBe('1 open exception')
    expect(series(o).data[1].note).toBe('8 open exceptions')
  })
  it('keeps the top n', () => {
    const o = moneyByGroupOption(rows, (g) => g, LIGHT, fmt, 2) as Any
    expect(series(o).data).toHaveLength(2)
  })
})

describe('wipAgingOption', () => {
  const rows = [
    { group: '0-30', value: 744732.375 },
    { group: '91+', value: 119558.75 },
    { group: '31-60', value: 99282.5 },
  ]
  it('stacks the four buckets young to old, zero where a bucket is missing', () => {
    const o = wipAgingOption(rows, LIGHT, fmt) as Any
    expect(o.series.map((s: Any) => s.name)).toEqual([...WIP_BUCKETS])
    expect(o.series.every((s: Any) => s.stack === 'wip')).toBe(true)
    expect(o.series.map((s: Any) => s.data[0].value)).toEqual([744732.375, 99282.5, 0, 119558.75])
    expect(o.series.map((s: Any) => s.data[0].key)).toEqual(['0-30', '31-60', '61-90', '91+'])
    expect(o.series.map((s: Any) => s.itemStyle.color)).toEqual(LIGHT.aging)
  })
  it('labels only segments wide enough to read, and gives shares in the tooltip', () => {
    const o = wipAgingOption(rows, LIGHT, fmt) as Any
    expect(o.series.map((s: Any) => s.label.show)).toEqual([true, false, false, false])
    const html = call(o.tooltip.formatter, { seriesName: '91+', value: 119558.75, marker: '' }) as string
    expect(html).toContain('$119,558.75')
    expect(html).toContain('(12%)')
  })
})

describe('openedResolvedOption', () => {
  it('draws opened and resolved bars in red and green, drilling to open or resolved', () => {
    const o = openedResolvedOption([{ week: '2026-11-23', opened: 73, resolved: 2 }], LIGHT, fmt) as Any
    expect(o.xAxis.data).toEqual(['Nov 23'])
    expect(series(o, 0)).toMatchObject({ name: 'Opened', itemStyle: { color: LIGHT.bad } })
    expect(series(o, 1)).toMatchObject({ name: 'Resolved', itemStyle: { color: LIGHT.good } })
    expect(series(o, 0).data[0]).toEqual({ value: 73, key: 'open' })
    expect(o.yAxis.minInterval).toBe(1)
  })
})

describe('freshnessOption', () => {
  const rows = [
    { system: 'salesforce', ageHours: 1.2 },
    { system: 'workday', ageHours: 30.2 },
    { system: 'hubspot', ageHours: null },
  ]
  it('marks the SLA and colours late or silent sources red', () => {
    const o = freshnessOption(rows, 24, LIGHT, fmt) as Any
    expect(o.yAxis.data).toEqual(['salesforce', 'workday', 'hubspot'])
    expect(series(o).markLine.data).toEqual([{ xAxis: 24, name: 'SLA' }])
    expect(series(o).data.map((d: Any) => d.itemStyle.color)).toEqual([LIGHT.good, LIGHT.bad, LIGHT.bad])
    expect(series(o).data.map((d: Any) => d.key)).toEqual(['salesforce', 'workday', 'hubspot'])
  })
  it('draws a silent source at full length and says so', () => {
    const o = freshnessOption(rows, 24, LIGHT, fmt) as Any
    expect(o.xAxis.max).toBe(31)
    expect(series(o).data[2].value).toBe(30.2)
    expect(call(series(o).label.formatter, { data: series(o).data[2] })).toBe('never')
    expect(call(series(o).label.formatter, { data: series(o).data[0] })).toBe('1.2 h')
    expect(call(o.tooltip.formatter, [{ data: series(o).data[1] }])).toContain('last data 1 d 6 h ago')
  })
})

describe('workflowHealthOption', () => {
  it('plots failure rate as bars and p95 as a line on a second axis, by day', () => {
    const o = workflowHealthOption(
      [
        { workflow: null, day: '2026-11-11', transactions: 2, failed: 1, failure_rate: 0.5, p50_ms: 3000, p95_ms: 4243 },
        { workflow: null, day: '2026-11-06', transactions: 1, failed: 1, failure_rate: 1, p50_ms: 3401, p95_ms: 3401 },
      ],
      DARK,
      fmt,
    ) as Any
    expect(o.xAxis.data).toEqual(['Nov 6', 'Nov 11'])
    expect(series(o, 0)).toMatchObject({ type: 'bar', yAxisIndex: 0, data: [1, 0.5] })
    expect(series(o, 1)).toMatchObject({ type: 'line', yAxisIndex: 1, data: [3401, 4243] })
    expect(o.yAxis[0].max).toBe(1)
    expect(call(o.yAxis[1].axisLabel.formatter, 4243)).toBe('4.2 s')
  })
})

describe('sparklinePath', () => {
  it('scales values into the box, skipping nulls', () => {
    const p = sparklinePath([0, 5, null, 10], 100, 20, 0)
    expect(p.line).toBe('M0 20 L33.3 10 L100 0')
    expect(p.area).toBe('M0 20 L33.3 10 L100 0 L100 20 L0 20 Z')
    expect(p.last).toEqual([100, 0])
  })
  it('draws a flat series through the middle and nothing for no data', () => {
    expect(sparklinePath([3, 3], 10, 10, 0).line).toBe('M0 5 L10 5')
    expect(sparklinePath([null, null], 10, 10)).toEqual({ line: '', area: '', last: null })
  })
})

describe('helpers', () => {
  it('formats values per unit for axes', () => {
    expect(unitFormatter('ratio', fmt)(0.5)).toBe('50%')
    expect(unitFormatter('currency', fmt)(1500000)).toBe('$1.5M')
    expect(unitFormatter('days', fmt)(3.25)).toBe('3.3 d')
  })
  it('escapes HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
  })
})
