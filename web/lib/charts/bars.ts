// Pure ECharts option builders for the bar charts of the overview and the KPI breakdown.
// Each data item carries the key to drill down by (rule id, owner, practice...), read back from
// the click event.
import { AGE_BUCKETS, KPIS } from '../../../server/kpis/catalog.ts'
import type { Unit } from '../endpoints.ts'
import { formatKpi, formatMoney, formatNumber, formatPercent } from '../format.ts'
import { axisStyle, baseOption, valueTicks, type ChartOption, type Fmt, type Palette } from './palette.ts'

export interface BarItem {
  /** What a click drills down by. */
  key: string
  label: string
  value: number | null
  /** Shown in the tooltip under the value (e.g. "12 exceptions"). */
  note?: string
}

export interface BarDatum {
  value: number
  name: string
  key: string
  note?: string
  itemStyle?: { color: string }
}

interface TooltipParam {
  data?: unknown
  name?: string
  marker?: string
  seriesName?: string
  value?: unknown
}

const first = (p: TooltipParam | TooltipParam[]) => (Array.isArray(p) ? p[0] : p)

/** Formats a value of a unit for an axis (compact) or a label. */
export function unitFormatter(unit: Unit, fmt: Fmt, compact = true): (v: number) => string {
  return (v) => (unit === 'ratio' ? formatPercent(v, fmt.locale, compact ? 0 : 1) : formatKpi(unit, v, fmt.locale, fmt.currency, compact))
}

/**
 * Horizontal bars, one per item, largest-first order kept as given, labels at the bar end;
 * an optional target line (utilization) colours bars under it as a warning.
 */
export function barListOption(o: { items: BarItem[]; unit: Unit; palette: Palette; fmt: Fmt; target?: number | null; name?: string }): ChartOption {
  const { items, unit, palette: p, fmt, target } = o
  const axis = unitFormatter(unit, fmt, true)
  const label = unitFormatter(unit, fmt, true)
  const full = unitFormatter(unit, fmt, false)
  const hasTarget = typeof target === 'number' && Number.isFinite(target)
  const data: BarDatum[] = items.map((i) => ({
    value: i.value ?? 0,
    name: i.label,
    key: i.key,
    note: i.note,
    itemStyle: { color: hasTarget && (i.value ?? 0) < target! ? p.warn : p.series[0] },
  }))
  const base = baseOption(p)
  return {
    ...base,
    tooltip: {
      ...base.tooltip,
      formatter: (params: unknown) => {
        const d = first(params as TooltipParam[]).data as BarDatum
        return `<b>${escapeHtml(d.name)}</b><br/>${full(d.value)}${d.note ? `<br/><span style="opacity:.7">${escapeHtml(d.note)}</span>` : ''}`
      },
    },
    grid: { left: 8, right: 56, top: hasTarget ? 22 : 8, bottom: 4, containLabel: true },
    xAxis: { type: 'value', ...valueTicks(fmt), ...axisStyle(p), axisLabel: { ...axisStyle(p).axisLabel, formatter: axis }, max: unit === 'ratio' ? (v: { max: number }) => Math.max(1, v.max) : undefined },
    yAxis: {
      type: 'category',
      inverse: true,
      data: items.map((i) => i.label),
      ...axisStyle(p),
      axisLabel: { ...axisStyle(p).axisLabel, color: p.text, width: fmt.narrow ? 92 : 150, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        name: o.name ?? 'Value',
        data,
        barMaxWidth: 22,
        cursor: 'pointer',
        itemStyle: { borderRadius: [0, 4, 4, 0] },
        label: { show: true, position: 'right', color: p.muted, fontSize: 11, formatter: (x: { value?: unknown }) => label(Number(x.value)) },
        markLine: hasTarget
          ? {
              symbol: 'none',
              silent: true,
              data: [{ xAxis: target!, name: 'Target' }],
              lineStyle: { color: p.bad, type: 'dashed', width: 1.5 },
              label: { formatter: `Target ${formatPercent(target!, fmt.locale, 0)}`, color: p.bad, position: 'start', fontSize: 11 },
            }
          : undefined,
      },
    ],
  }
}

/** Utilization by practice or region against the configurable target. */
export function utilizationOption(rows: Array<{ group: string; value: number | null; numerator?: number | null }>, target: number, palette: Palette, fmt: Fmt): ChartOption {
  const items = [...rows]
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0))
    .map((r) => ({ key: r.group, label: r.group || '(none)', value: r.value, note: r.numerator != null ? `${formatNumber(r.numerator, fmt.locale, 1)} billable h` : undefined }))
  return barListOption({ items, unit: KPIS.utilization.unit, palette, fmt, target, name: KPIS.utilization.title })
}

/** Money at risk by rule (titles shown, rule ids drilled) or by owner, largest first. */
export function moneyByGroupOption(rows: Array<{ group: string; amount_at_risk: number; count: number }>, labelOf: (g: string) => string, palette: Palette, fmt: Fmt, top = 8): ChartOption {
  const items = [...rows]
    .sort((a, b) => b.amount_at_risk - a.amount_at_risk || b.count - a.count)
    .slice(0, top)
    .map((r) => ({ key: r.group, label: labelOf(r.group), value: r.amount_at_risk, note: `${formatNumber(r.count, fmt.locale)} open exception${r.count === 1 ? '' : 's'}` }))
  return barListOption({ items, unit: KPIS.money_at_risk.unit, palette, fmt, name: KPIS.money_at_risk.title })
}

/** The age buckets of unbilled WIP, young to old, as the server names them. */
export const WIP_BUCKETS = AGE_BUCKETS

/** Unbilled WIP as one bar stacked by age bucket, young to old; each segment drills down. */
export function wipAgingOption(rows: Array<{ group: string; value: number | null }>, palette: Palette, fmt: Fmt): ChartOption {
  const p = palette
  const value = (b: string) => rows.find((r) => r.group === b)?.value ?? 0
  const total = WIP_BUCKETS.reduce((s, b) => s + value(b), 0)
  const base = baseOption(p)
  return {
    ...base,
    tooltip: {
      ...base.tooltip,
      trigger: 'item',
      formatter: (x: unknown) => {
        const t = x as { seriesName: string; value: number; marker: string }
        const share = total ? ` (${formatPercent(t.value / total, fmt.locale, 0)})` : ''
        return `${t.marker}${escapeHtml(t.seriesName)} days<br/><b>${formatMoney(t.value, fmt.currency, fmt.locale)}</b>${share}`
      },
    },
    grid: { left: 4, right: 12, top: 8, bottom: 4, containLabel: true },
    xAxis: { type: 'value', ...valueTicks(fmt), ...axisStyle(p), axisLabel: { ...axisStyle(p).axisLabel, formatter: (v: number) => formatMoney(v, fmt.currency, fmt.locale, true) } },
    yAxis: { type: 'category', data: [KPIS.unbilled_wip.title], ...axisStyle(p), axisLabel: { show: false } },
    series: WIP_BUCKETS.map((b, i) => ({
      type: 'bar' as const,
      name: b,
      stack: 'wip',
      data: [{ value: value(b), name: b, key: b }],
      barWidth: 44,
      cursor: 'pointer',
      itemStyle: {
        color: p.aging[i],
        borderRadius: i === 0 ? [6, 0, 0, 6] : i === WIP_BUCKETS.length - 1 ? [0, 6, 6, 0] : 0,
        borderColor: p.surface,
        borderWidth: 1,
      },
      label: {
        show: total > 0 && value(b) / total > 0.16,
        color: '#fff',
        fontSize: 11,
        fontWeight: 600,
        formatter: () => formatMoney(value(b), fmt.currency, fmt.locale, true),
      },
    })),
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}
