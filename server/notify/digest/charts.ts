// Small charts for e-mail: ECharts renders SVG on the server (no DOM), resvg turns it into a
// PNG, attached inline (cid:) because mail clients block remote images and most drop SVG.
import * as echarts from 'echarts'
import { Resvg } from '@resvg/resvg-js'

export interface InlineImage {
  cid: string
  filename: string
  content_type: 'image/png'
  /** The PNG, base64 (the delivery is stored as JSON). */
  content_base64: string
}

const WIDTH = 560
const HEIGHT = 220
const TEXT = { fontFamily: 'DejaVu Sans, Arial, sans-serif', color: '#334155' }

function png(option: echarts.EChartsCoreOption): Buffer {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT })
  try {
    chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: TEXT, ...option })
    const svg = chart.renderToSVGString()
    return Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: WIDTH * 2 }, font: { defaultFontFamily: 'DejaVu Sans' } }).render().asPng())
  } finally {
    chart.dispose()
  }
}

const image = (cid: string, buf: Buffer): InlineImage => ({ cid, filename: `${cid}.png`, content_type: 'image/png', content_base64: buf.toString('base64') })

/** Money at risk by rule, largest first (at most eight bars). */
export function moneyByRuleChart(rows: Array<{ rule: string; amount: number }>, currency: string): InlineImage {
  const top = rows.slice(0, 8).reverse()
  return image(
    'money-by-rule',
    png({
      title: { text: `Money at risk by rule (${currency})`, textStyle: { fontSize: 13 } },
      grid: { left: 200, right: 24, top: 36, bottom: 24 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: top.map((r) => r.rule.replace(/_/g, ' ')), axisLabel: { fontSize: 10 } },
      series: [{ type: 'bar', data: top.map((r) => r.amount), itemStyle: { color: '#dc2626' } }],
    }),
  )
}

/** Exceptions opened and resolved per week. */
export function weeklyChart(weeks: Array<{ week: string; opened: number; resolved: number }>): InlineImage {
  return image(
    'weekly',
    png({
      title: { text: 'Exceptions opened and resolved per week', textStyle: { fontSize: 13 } },
      legend: { top: 0, right: 0, textStyle: { fontSize: 10 } },
      grid: { left: 40, right: 16, top: 40, bottom: 28 },
      xAxis: { type: 'category', data: weeks.map((w) => w.week.slice(5)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: 'opened', type: 'bar', data: weeks.map((w) => w.opened), itemStyle: { color: '#f59e0b' } },
        { name: 'resolved', type: 'bar', data: weeks.map((w) => w.resolved), itemStyle: { color: '#16a34a' } },
      ],
    }),
  )
}
