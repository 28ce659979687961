// The overview's margin, forecast and bench charts (gross_margin, forecast_accuracy,
// bench_capacity): each draws the API's rows, the margin bars carry the firm's target line, the
// weekly chart follows the chosen practice, the bench lists its people, and bars drill into the
// records behind them. Screenshots for the docs go to docs/screenshots/overview-measures*.png.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Locator, Page } from '@playwright/test'
import { chartPoint, expect, json, settled, signIn, test } from './fixtures.ts'
import type { KpiAnswer } from '../../web/lib/endpoints.ts'
import { baseURL } from './env.ts'

const DOCS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots')
const today = new Date().toISOString().slice(0, 10)
const ytd = `from=${today.slice(0, 4)}-01-01&to=${today}`

type Option = { series: Array<{ data: Array<{ value: number; key: string }>; markLine?: { data: Array<{ xAxis: number }> } }>; xAxis: Array<{ data?: string[] }>; yAxis: Array<{ data?: string[] }> }
interface Records {
  items: Array<Record<string, unknown>>
  next_cursor: string | null
}
interface Weekly {
  items: Array<{ week: string; planned: number; actual: number }>
}

/** The option a chart drew (its ECharts instance hangs on the element). */
async function drawn(page: Page, testid: string): Promise<Option> {
  const el = page.getByTestId(testid)
  await expect(el).toHaveAttribute('data-rendered', 'true')
  return el.evaluate((n) => JSON.parse(JSON.stringify((n as HTMLElement & { cwChart: { getOption(): unknown } }).cwChart.getOption())) as Option)
}

const keys = (o: Option) => o.series[0].data.map((d) => d.key)
const byKey = (rows: KpiAnswer['rows']) => new Map(rows.map((r) => [r.group, r.value]))

// One signed-in page for the whole file: the overview asks for some fifty KPI answers on load,
// and loading it once keeps the file's run short on a busy machine.
test.describe.configure({ mode: 'serial' })
let page: Page

test.beforeAll(async ({ browser }) => {
  page = await (await browser.newContext({ baseURL: baseURL(), viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC' })).newPage()
  await signIn(page, 'executive')
})
test.afterAll(async () => page.context().close())

async function openMeasures() {
  const section = page.getByTestId('measures')
  await section.scrollIntoViewIfNeeded()
  // The first load answers some fifty KPI queries: a budget for a busy machine, not a measurement.
  await expect(page.locator('[data-testid=skeleton], .skeleton')).toHaveCount(0, { timeout: 100_000 })
  await settled(page)
  return section
}

async function snap(target: Page | Locator, name: string) {
  await target.screenshot({ path: path.join(DOCS, `${name}.png`), animations: 'disabled' })
}

test('margin, forecast and bench charts draw the API rows, with the margin target line', async ({ api }) => {
  const margin = await json<KpiAnswer & { target: number | null }>(api, `/api/v1/kpis/gross_margin?by=practice&${ytd}`)
  const accuracy = await json<KpiAnswer>(api, `/api/v1/kpis/forecast_accuracy?by=practice&${ytd}`)
  const benchP = await json<KpiAnswer>(api, '/api/v1/kpis/bench_capacity?by=practice')
  const benchW = await json<KpiAnswer>(api, '/api/v1/kpis/bench_capacity?by=week')
  for (const a of [margin, accuracy, benchP, benchW]) expect(a.rows.length, a.kpi).toBeGreaterThan(0)
  expect(margin.target, 'the e2e config sets a gross margin target').toEqual(expect.any(Number))

  const section = await openMeasures()
  for (const [id, a] of [['chart-margin-practice', margin], ['chart-accuracy-practice', accuracy], ['chart-bench-practice', benchP]] as const) {
    const o = await drawn(page, id)
    const want = byKey(a.rows)
    expect(new Set(keys(o)), id).toEqual(new Set([...a.rows].sort((x, y) => (y.value ?? -1) - (x.value ?? -1)).slice(0, 10).map((r) => r.group)))
    for (const d of o.series[0].data) expect(d.value, `${id} ${d.key}`).toBeCloseTo(want.get(d.key) ?? 0, 9)
  }
  // The target is the server's, drawn as a line across the margin bars.
  const m = await drawn(page, 'chart-margin-practice')
  expect(m.series[0].markLine?.data[0].xAxis).toBe(margin.target)
  await expect(page.getByTestId('chart-margin')).toContainText(`Target ${Math.round(margin.target! * 100)}%`)
  // Bench by week: free hours per ISO week of the next four weeks.
  const w = await drawn(page, 'chart-bench-week')
  expect(keys(w)).toEqual(benchW.rows.map((r) => r.group).sort())
  expect(w.series[0].data.map((d) => d.value)).toEqual([...benchW.rows].sort((a, b) => (a.group < b.group ? -1 : 1)).map((r) => r.numerator))
  await snap(section, 'overview-measures')
})

test('planned vs actual per week follows the chosen practice', async ({ api }) => {
  const accuracy = await json<KpiAnswer>(api, `/api/v1/kpis/forecast_accuracy?by=practice&${ytd}`)
  const practices = accuracy.rows.map((r) => r.group).sort((a, b) => a.localeCompare(b))
  expect(practices.length).toBeGreaterThan(1)
  await openMeasures()
  const select = page.getByTestId('forecast-choice')
  await expect(select).toHaveValue(`practice:${practices[0]}`)
  const chosen = practices[1]
  await select.selectOption(`practice:${chosen}`)
  const weekly = await json<Weekly>(api, `/api/v1/kpis/forecast_accuracy/weekly?${ytd}&practice=${encodeURIComponent(chosen)}`)
  expect(weekly.items.length).toBeGreaterThan(0)
  const weeks = [...weekly.items].sort((a, b) => (a.week < b.week ? -1 : 1))
  await expect
    .poll(async () => (await drawn(page, 'chart-weekly-planned')).series.map((s) => s.data.map((d) => d.value)))
    .toEqual([weeks.map((x) => x.planned), weeks.map((x) => x.actual)])
  const o = await drawn(page, 'chart-weekly-planned')
  expect(o.xAxis[0].data).toEqual(weeks.map((x) => x.week.slice(5)))
  // A project can be chosen too.
  const project = await select.locator('optgroup[label=Project] option').first().getAttribute('value')
  expect(project).toMatch(/^project:/)
  await select.selectOption(project!)
  const pw = await json<Weekly>(api, `/api/v1/kpis/forecast_accuracy/weekly?${ytd}&project=${encodeURIComponent(project!.slice(8))}`)
  await expect.poll(async () => (await drawn(page, 'chart-weekly-planned')).series[1].data.length).toBe(pw.items.length)
})

test('the bench lists its people with their free hours, most free first', async ({ api }) => {
  const all = await json<Records>(api, '/api/v1/kpis/bench_capacity/records?limit=1000')
  const free = (r: Record<string, unknown>) => Number(r.free_hours)
  const people = all.items.filter((r) => free(r) > 0).sort((a, b) => free(b) - free(a))
  expect(people.length).toBeGreaterThan(0)
  await openMeasures()
  const table = page.getByTestId('bench-table')
  await expect(table).toHaveAttribute('data-rows', String(people.length))
  const first = people[0]
  await expect(table.getByTestId('row').first()).toContainText(String(first.name))
  await expect(table.getByTestId('row').first()).toContainText(String(first.practice))
})

test('a margin bar and a bench week drill into the records behind them', async ({ api }) => {
  await openMeasures()
  const o = await drawn(page, 'chart-margin-practice')
  const practice = o.series[0].data[0].key
  const recs = await json<Records>(api, `/api/v1/kpis/gross_margin/records?${ytd}&by=practice&group=${encodeURIComponent(practice)}`)
  expect(recs.items.length).toBeGreaterThan(0)
  const p = await chartPoint(page, 'chart-margin-practice', 0, 0)
  await page.mouse.click(p.x, p.y)
  const drawer = page.getByTestId('records-drawer')
  await expect(drawer).toContainText(practice)
  await expect(drawer.getByTestId('records-table')).toHaveAttribute('data-rows', String(recs.items.length))
  await expect(drawer.getByTestId('records-count')).toContainText('time entries')
  await settled(page)
  await snap(page, 'overview-measures-drawer')
  await page.keyboard.press('Escape')
  await expect(drawer).toHaveCount(0)

  const week = (await drawn(page, 'chart-bench-week')).series[0].data[0].key
  const wrecs = await json<Records>(api, `/api/v1/kpis/bench_capacity/records?by=week&group=${week}`)
  const wp = await chartPoint(page, 'chart-bench-week', 0, 0)
  await page.mouse.click(wp.x, wp.y)
  await expect(drawer).toContainText(week)
  await expect(drawer.getByTestId('records-table')).toHaveAttribute('data-rows', String(wrecs.items.length))
  await page.keyboard.press('Escape')
})

test('the three charts read in the dark theme, and the tiles close their grid', async () => {
  await page.evaluate(() => window.scrollTo(0, 0))
  await expect(page.locator('[data-testid^=kpi-][data-loaded=true]')).toHaveCount(10, { timeout: 30_000 })
  // Every row of four tiles is full: the last tiles widen to close it.
  const rights = await page.locator('.tiles > .tile').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().right)))
  const gridRight = await page.locator('.tiles').evaluate((e) => Math.round(e.getBoundingClientRect().right))
  expect(rights.at(-1)).toBe(gridRight)
  await snap(page.locator('.tiles'), 'overview-measures-tiles')
  await page.getByTestId('theme-toggle').click()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  const section = page.getByTestId('measures')
  await section.scrollIntoViewIfNeeded()
  await settled(page)
  await expect(page.getByTestId('chart-margin-practice')).toHaveAttribute('data-rendered', 'true')
  await snap(section, 'overview-measures-dark')
  await page.getByTestId('theme-toggle').click()
})
