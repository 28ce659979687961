// Pure option builders for charts over time and freshness: exceptions opened vs resolved per
// week, data freshness per source against the SLA, workflow health per day, and the SVG path
// of a KPI tile's sparkline.
import type { HealthRow } from '../endpoints.ts'
import { formatDuration, formatNumber, formatPercent } from '../format.ts'
import { escapeHtml } from './bars.ts'
import { axisStyle, baseOption, valueTicks, type ChartOption, type Fmt, type Palette } from './palette.ts'

export interface WeekCount {
  /** Monday of the week, YYYY-MM-DD (UTC). */
  week: string
  opened: number
  resolved: number
}

const weekLabel = (w: string, locale: string) => new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${w}T00:00:00Z`))

export function openedResolvedOption(weeks: WeekCount[], palette: Palette, fmt: Fmt): ChartOption {
  const p = palette
  return {
    ...baseOption(p),
    legend: { top: 0, right: 0, icon: 'roundRect', itemWidth: 10, itemHeight: 10, textStyle: { color: p.muted, fontSize: 11 } },
    grid: { left: 4, right: 8, top: 28, bottom: 4, containLabel: true },
    xAxis: { type: 'category', data: weeks.map((w) => weekLabel(w.week, fmt.locale)), ...axisStyle(p) },
    yAxis: { type: 'value', minInterval: 1, ...axisStyle(p) },
    series: [
      { type: 'bar', name: 'Opened', data: weeks.map((w) => ({ value: w.opened, key: 'open' })), itemStyle: { color: p.bad, borderRadius: [3, 3, 0, 0] }, barMaxWidth: 16, cursor: 'pointer' },
      { type: 'bar', name: 'Resolved', data: weeks.map((w) => ({ value: w.resolved, key: 'resolved' })), itemStyle: { color: p.good, borderRadius: [3, 3, 0, 0] }, barMaxWidth: 16, cursor: 'pointer' },
    ],
  }
}

export interface Freshness {
  system: string
  /** Hours since the newest observed batch; null when the source never sent one. */
  ageHours: number | null
}

/** Hours since each source's last batch against the freshness SLA; late sources in red. */
export function freshnessOption(rows: Freshness[], slaHours: number, palette: Palette, fmt: Fmt): ChartOption {
  const p = palette
  const base = baseOption(p)
  const max = Math.max(slaHours * 1.25, ...rows.map((r) => r.ageHours ?? slaHours * 1.25))
  return {
    ...base,
    tooltip: {
      ...base.tooltip,
      formatter: (x: unknown) => {
        const d = (x as Array<{ data: { name: string; age: number | null } }>)[0].data
        return `<b>${escapeHtml(d.name)}</b><br/>${d.age === null ? 'never sent data' : `last data ${formatDuration(d.age * 3600_000)} ago`}<br/>SLA ${formatNumber(slaHours, fmt.locale)} h`
      },
    },
    grid: { left: 8, right: 48, top: 22, bottom: 4, containLabel: true },
    xAxis: { type: 'value', max: Math.ceil(max), ...valueTicks(fmt), ...axisStyle(p), axisLabel: { ...axisStyle(p).axisLabel, formatter: (v: number) => `${formatNumber(v, fmt.locale)} h` } },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.system), ...axisStyle(p), axisLabel: { ...axisStyle(p).axisLabel, color: p.text } },
    series: [
      {
        type: 'bar',
        name: 'Hours since last data',
        barMaxWidth: 18,
        cursor: 'pointer',
        data: rows.map((r) => ({
          value: r.ageHours ?? max,
          name: r.system,
          key: r.system,
          age: r.ageHours,
          itemStyle: { color: r.ageHours === null || r.ageHours > slaHours ? p.bad : p.good, borderRadius: [0, 4, 4, 0] },
        })),
        label: {
          show: true,
          position: 'right',
          color: p.muted,
          fontSize: 11,
          formatter: (x: { data?: unknown }) => {
            const age = (x.data as { age: number | null }).age
            return age === null ? 'never' : `${formatNumber(age, fmt.locale, 1)} h`
          },
        },
        markLine: {
          symbol: 'none',
          silent: true,
          data: [{ xAxis: slaHours, name: 'SLA' }],
          lineStyle: { color: p.warn, type: 'dashed', width: 1.5 },
          label: { formatter: `SLA ${formatNumber(slaHours, fmt.locale)} h`, color: p.warn, position: 'start', fontSize: 11 },
        },
      },
    ],
  }
}

/** Failure rate (bars, left axis) and p95 duration (line, right axis) per day. */
export function workflowHealthOption(rows: HealthRow[], palette: Palette, fmt: Fmt): ChartOption {
  const p = palette
  const days = [...new Set(rows.map((r) => r.day ?? ''))].filter(Boolean).sort()
  const at = (d: string) => rows.find((r) => r.day === d)
  return {
    ...baseOption(p),
    legend: { top: 0, right: 0, icon: 'roundRect', itemWidth: 10, itemHeight: 10, textStyle: { color: p.muted, fontSize: 11 } },
    grid: { left: 4, right: 4, top: 30, bottom: 4, containLabel: true },
    xAxis: { type: 'category', data: days.map((d) => weekLabel(d, fmt.locale)), ...axisStyle(p) },
    yAxis: [
      { type: 'value', max: 1, ...axisStyle(p), axisLabel: { ...axisStyle(p).axisLabel, formatter: (v: number) => formatPercent(v, fmt.locale, 0) } },
      { type: 'value', ...axisStyle(p), splitLine: { show: false }, axisLabel: { ...axisStyle(p).axisLabel, formatter: (v: number) => formatDuration(v) } },
    ],
    series: [
      { type: 'bar', name: 'Failure rate', yAxisIndex: 0, data: days.map((d) => at(d)?.failure_rate ?? 0), itemStyle: { color: p.bad, borderRadius: [3, 3, 0, 0] }, barMaxWidth: 14 },
      { type: 'line', name: 'p95 duration', yAxisIndex: 1, data: days.map((d) => at(d)?.p95_ms ?? null), smooth: true, symbol: 'circle', symbolSize: 5, itemStyle: { color: p.series[0] }, lineStyle: { width: 2 }, connectNulls: true },
    ],
  }
}

/** The SVG path ("M x y L ...") of a sparkline in a w×h box; null values are skipped. */
export function sparklinePath(values: Array<number | null>, w: number, h: number, pad = 2): { line: string; area: string; last: [number, number] | null } {
  const pts = values.map((v, i) => [i, v] as const).filter((x): x is readonly [number, number] => x[1] !== null && Number.isFinite(x[1]))
  if (pts.length === 0) return { line: '', area: '', last: null }
  const ys = pts.map((x) => x[1])
  const lo = Math.min(...ys)
  const hi = Math.max(...ys)
  const n = Math.max(values.length - 1, 1)
  const x = (i: number) => pad + (i / n) * (w - 2 * pad)
  const y = (v: number) => (hi === lo ? h / 2 : pad + (1 - (v - lo) / (hi - lo)) * (h - 2 * pad))
  const r = (v: number) => Math.round(v * 10) / 10
  const coords = pts.map(([i, v]) => [r(x(i)), r(y(v))] as [number, number])
  const line = coords.map(([cx, cy], k) => `${k ? 'L' : 'M'}${cx} ${cy}`).join(' ')
  const area = `${line} L${coords[coords.length - 1][0]} ${h} L${coords[0][0]} ${h} Z`
  return { line, area, last: coords[coords.length - 1] }
}
