// Pure option builders for the overview's margin, forecast and bench charts (CONTRACT §5:
// gross_margin, forecast_accuracy, bench_capacity). Each datum carries the group it drills into.
import { formatMoney, formatNumber, formatPercent } from '../format.ts'
import { barListOption, escapeHtml } from './bars.ts'
import { axisStyle, baseOption, type ChartOption, type Fmt, type Palette } from './palette.ts'

export interface MeasureRow {
  group: string
  value: number | null
  numerator: number | null
  denominator: number | null
}

const byValue = (rows: MeasureRow[]) => [...rows].sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity))
const hours = (v: number | null, fmt: Fmt) => `${formatNumber(v, fmt.locale, 1)} h`

/** Gross margin per practice, best first, against the firm's target (bars under it in amber). */
export function marginOption(rows: MeasureRow[], target: number | null, palette: Palette, fmt: Fmt): ChartOption {
  const items = byValue(rows).map((r) => ({
    key: r.group,
    label: r.group || '(none)',
    value: r.value,
    note: r.denominator != null ? `${formatMoney(r.numerator, fmt.currency, fmt.locale, true)} margin on ${formatMoney(r.denominator, fmt.currency, fmt.locale, true)} revenue` : undefined,
  }))
  return barListOption({ items, unit: 'ratio', palette, fmt, target, name: 'Gross margin' })
}

/** Forecast accuracy per practice or project: 1 − hours off plan / planned hours. */
export function accuracyOption(rows: MeasureRow[], palette: Palette, fmt: Fmt, top = 10): ChartOption {
  const items = byValue(rows)
    .slice(0, top)
    .map((r) => ({ key: r.group, label: r.group || '(none)', value: r.value, note: r.denominator != null ? `${hours(r.numerator, fmt)} off plan of ${hours(r.denominator, fmt)} planned` : undefined }))
  return barListOption({ items, unit: 'ratio', palette, fmt, name: 'Forecast accuracy' })
}

/** Bench capacity per practice: the share of the next four weeks' capacity with no planned work. */
export function benchOption(rows: MeasureRow[], palette: Palette, fmt: Fmt): ChartOption {
  const items = byValue(rows).map((r) => ({ key: r.group, label: r.group || '(none)', value: r.value, note: r.denominator != null ? `${hours(r.numerator, fmt)} free of ${hours(r.denominator, fmt)}` : undefined }))
  return barListOption({ items, unit: 'ratio', palette, fmt, name: 'Bench capacity' })
}

/** "2026-W26" → "W26" (the year is in the tooltip). */
export const weekLabel = (w: string) => (/^\d{4}-W\d{2}$/.test(w) ? w.slice(5) : w)

interface AxisParam {
  axisValue?: string
  dataIndex: number
  marker?: string
  seriesName?: string
  value?: unknown
}

const legend = (p: Palette) => ({ top: 0, right: 0, icon: 'roundRect', itemWidth: 10, itemHeight: 10, textStyle: { color: p.muted, fontSize: 11 } })

/** Free hours per week of the next four, labelled with the free share; each week drills down. */
export function benchWeeksOption(rows: MeasureRow[], palette: Palette, fmt: Fmt): ChartOption {
  const p = palette
  const weeks = [...rows].sort((a, b) => (a.group < b.group ? -1 : 1))
  const base = baseOption(p)
  return {
    ...base,
    tooltip: {
      ...base.tooltip,
      formatter: (x: unknown) => {
        const r = weeks[(x as AxisParam[])[0].dataIndex]
        return `<b>${escapeHtml(r.group)}</b><br/>${hours(r.numerator, fmt)} free of ${hours(r.denominator, fmt)}<br/>${formatPercent(r.value, fmt.locale, 1)} on the bench`
      },
    },
    grid: { left: 4, right: 8, top: 22, bottom: 4, containLabel: true },
    xAxis: { type: 'category', data: weeks.map((r) => weekLabel(r.group)), ...axisStyle(p), axisLabel: { ...axisStyle(p).axisLabel, color: p.text } },
    yAxis: { type: 'value', ...axisStyle(p), axisLabel: { ...axisStyle(p).axisLabel, formatter: (v: number) => `${formatNumber(v, fmt.locale)} h` } },
    series: [
      {
        type: 'bar',
        name: 'Free hours',
        barMaxWidth: 36,
        cursor: 'pointer',
        data: weeks.map((r) => ({ value: r.numerator ?? 0, name: r.group, key: r.group })),
        itemStyle: { color: p.series[1], borderRadius: [4, 4, 0, 0] },
        label: { show: true, position: 'top', color: p.muted, fontSize: 11, formatter: (x: { dataIndex: number }) => formatPercent(weeks[x.dataIndex].value, fmt.locale, 0) },
      },
    ],
  }
}

export interface PlannedActual {
  week: string
  planned: number | null
  actual: number | null
}

/** Planned hours (grey) beside actual hours (coloured: amber when off plan by more than `band`) per ISO week. */
export function plannedActualOption(items: PlannedActual[], palette: Palette, fmt: Fmt, band = 0.1): ChartOption {
  const p = palette
  const weeks = [...items].sort((a, b) => (a.week < b.week ? -1 : 1))
  const off = (w: PlannedActual) => (w.planned ? Math.abs((w.actual ?? 0) - w.planned) / w.planned > band : (w.actual ?? 0) > 0)
  const base = baseOption(p)
  return {
    ...base,
    legend: legend(p),
    tooltip: {
      ...base.tooltip,
      formatter: (x: unknown) => {
        const w = weeks[(x as AxisParam[])[0].dataIndex]
        const diff = (w.actual ?? 0) - (w.planned ?? 0)
        return `<b>${escapeHtml(w.week)}</b><br/>Planned ${hours(w.planned, fmt)}<br/>Actual ${hours(w.actual, fmt)}<br/><span style="opacity:.7">${diff >= 0 ? '+' : '−'}${hours(Math.abs(diff), fmt)} against plan</span>`
      },
    },
    grid: { left: 4, right: 8, top: 28, bottom: 4, containLabel: true },
    xAxis: { type: 'category', data: weeks.map((w) => weekLabel(w.week)), ...axisStyle(p) },
    yAxis: { type: 'value', ...axisStyle(p), axisLabel: { ...axisStyle(p).axisLabel, formatter: (v: number) => `${formatNumber(v, fmt.locale)} h` } },
    series: [
      { type: 'bar', name: 'Planned', data: weeks.map((w) => ({ value: w.planned ?? 0, key: w.week })), itemStyle: { color: p.series[6], borderRadius: [3, 3, 0, 0] }, barMaxWidth: 18, cursor: 'pointer' },
      {
        type: 'bar',
        name: 'Actual',
        data: weeks.map((w) => ({ value: w.actual ?? 0, key: w.week, itemStyle: { color: off(w) ? p.warn : p.series[0] } })),
        itemStyle: { color: p.series[0], borderRadius: [3, 3, 0, 0] },
        barMaxWidth: 18,
        cursor: 'pointer',
      },
    ],
  }
}
