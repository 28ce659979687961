// Chart colours per theme. Option builders take a palette instead of reading the DOM, so they
// stay pure and testable; the Chart component passes the one of the active theme.
import type { ComposeOption } from 'echarts/core'
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts'
import type { GridComponentOption, LegendComponentOption, MarkLineComponentOption, TooltipComponentOption } from 'echarts/components'

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption | MarkLineComponentOption
>

export interface Palette {
  text: string
  muted: string
  grid: string
  surface: string
  series: string[]
  good: string
  warn: string
  bad: string
  /** WIP age buckets, young to old. */
  aging: [string, string, string, string]
}

export const LIGHT: Palette = {
  text: '#1c2434',
  muted: '#687385',
  grid: '#e6e9ef',
  surface: '#ffffff',
  series: ['#4f5bd5', '#2a9d8f', '#e9a23b', '#d1495b', '#8c6bb1', '#3a86c8', '#7a8699'],
  good: '#1f9d55',
  warn: '#d97706',
  bad: '#d1364b',
  aging: ['#43aa8b', '#e9c46a', '#f08a4b', '#d1364b'],
}

export const DARK: Palette = {
  text: '#e4e8f0',
  muted: '#98a2b3',
  grid: '#2b3242',
  surface: '#161b26',
  series: ['#8b93ff', '#4cc9b0', '#f4b860', '#f07080', '#b69ae0', '#6cb4ee', '#a3acba'],
  good: '#3ccf7e',
  warn: '#f0a840',
  bad: '#f26b7c',
  aging: ['#4cc9a0', '#f0d06a', '#f4995e', '#f26b7c'],
}

export interface Fmt {
  locale: string
  currency: string
  /** A phone-width chart: shorter labels, fewer ticks. */
  narrow?: boolean
}

/** Canvas text does not inherit CSS: the same stack as the page. */
export const FONT = "Inter, ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

/** The shared look: fonts, tooltip, axis colours. */
export function baseOption(p: Palette): ChartOption {
  return {
    backgroundColor: 'transparent',
    textStyle: { color: p.text, fontFamily: FONT },
    animationDuration: 300,
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      backgroundColor: p.surface,
      borderColor: p.grid,
      textStyle: { color: p.text, fontSize: 12 },
      confine: true,
    },
  }
}

export const axisStyle = (p: Palette) => ({
  axisLine: { lineStyle: { color: p.grid } },
  axisTick: { show: false },
  axisLabel: { color: p.muted, fontSize: 11, hideOverlap: true },
  splitLine: { lineStyle: { color: p.grid } },
})

/** Value-axis ticks: fewer on a phone, where compact money labels would collide. */
export const valueTicks = (fmt: Fmt) => (fmt.narrow ? { splitNumber: 3 } : {})
