// A thin wrapper around echarts/core: registers only the charts and components the dashboard
// uses (tree-shaken), renders an option built by a pure builder, follows the container's size
// and reports clicks with the clicked datum.
import { onCleanup, onMount, createEffect, type JSX } from 'solid-js'
import { init, use, type ECharts } from 'echarts/core'
import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import type { ChartOption } from '../lib/charts/palette.ts'

use([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, CanvasRenderer])

export interface ChartClick {
  /** The datum's drill-down key (set by the option builders), else its name. */
  key: string
  name: string
  seriesName: string
  dataIndex: number
}

export default function Chart(props: {
  option: ChartOption
  height: number
  label: string
  testid?: string
  onClick?: (c: ChartClick) => void
}): JSX.Element {
  let el!: HTMLDivElement
  let chart: ECharts | undefined

  onMount(() => {
    chart = init(el, undefined, { renderer: 'canvas' })
    // Test hook: Playwright reads pixel positions of data points through it.
    ;(el as HTMLDivElement & { cwChart?: ECharts }).cwChart = chart
    chart.on('click', (p) => {
      const data = p.data as { key?: string } | null
      props.onClick?.({ key: data?.key ?? p.name, name: p.name, seriesName: p.seriesName ?? '', dataIndex: p.dataIndex })
    })
    const ro = new ResizeObserver(() => chart?.resize())
    ro.observe(el)
    onCleanup(() => {
      ro.disconnect()
      chart?.dispose()
    })
  })

  createEffect(() => {
    const option = props.option
    chart?.setOption(option, { notMerge: true, lazyUpdate: true })
    el.dataset.rendered = 'true'
  })

  return (
    <div
      ref={el}
      class="chart"
      role="img"
      aria-label={props.label}
      data-testid={props.testid}
      style={{ height: `${props.height}px`, cursor: props.onClick ? 'pointer' : undefined }}
    />
  )
}
