// The overview: its numbers are the API's, and charts and tiles drill down. (Load time and
// bundle size are in perf.spec.ts.)
import { chartPoint, expect, json, settled, shot, signIn, test } from './fixtures.ts'
import { formatKpi } from '../../web/lib/format.ts'
import { ruleTitle } from '../../web/lib/rules.ts'
import type { KpiAnswer, KpiDef, SummaryAnswer } from '../../web/lib/endpoints.ts'

test('tiles show the API numbers, with coverage and a definition', async ({ page, api }) => {
  await signIn(page, 'admin')
  const catalog = (await json<{ items: KpiDef[] }>(api, '/api/v1/kpis')).items
  // One tile per KPI in the catalogue, whatever it holds.
  await expect(page.locator('[data-testid^=kpi-][data-loaded=true]')).toHaveCount(catalog.length, { timeout: 20_000 })
  const today = new Date().toISOString().slice(0, 10)
  for (const def of catalog) {
    const q = def.period ? `?from=${today.slice(0, 4)}-01-01&to=${today}` : ''
    const a = await json<KpiAnswer>(api, `/api/v1/kpis/${def.name}${q}`)
    const tile = page.getByTestId(`kpi-${def.name}`)
    await expect(tile.getByTestId('kpi-value'), def.name).toHaveText(formatKpi(def.unit, a.value, 'en-US', 'USD'))
    await expect(tile.getByTestId('coverage')).toBeVisible()
  }
  // Another period: the tiles follow, still the API's numbers.
  await page.getByTestId('period').selectOption('last_quarter')
  const now = new Date()
  const q = Math.floor(now.getUTCMonth() / 3) * 3
  const from = new Date(Date.UTC(now.getUTCFullYear(), q - 3, 1)).toISOString().slice(0, 10)
  const to = new Date(Date.UTC(now.getUTCFullYear(), q, 0)).toISOString().slice(0, 10)
  const lq = await json<KpiAnswer>(api, `/api/v1/kpis/utilization?from=${from}&to=${to}`)
  await expect(page.getByTestId('kpi-utilization').getByTestId('kpi-value')).toHaveText(formatKpi('ratio', lq.value, 'en-US', 'USD'))
  // The definition shows on hover.
  await page.getByTestId('kpi-utilization').getByTestId('kpi-title').hover()
  await expect(page.getByTestId('kpi-utilization').getByRole('tooltip')).toContainText('Σ hours of PSA time entries')
})

test('a tile opens its breakdown, with the rows of the API', async ({ page, api }) => {
  await signIn(page, 'admin')
  await page.getByTestId('kpi-utilization').getByTestId('kpi-value').click()
  await expect(page).toHaveURL(/kpi=utilization&by=practice/)
  const today = new Date().toISOString().slice(0, 10)
  const a = await json<KpiAnswer>(api, `/api/v1/kpis/utilization?by=practice&from=${today.slice(0, 4)}-01-01&to=${today}`)
  const table = page.getByTestId('breakdown-table')
  await expect(table.locator('tbody tr')).toHaveCount(a.rows.length)
  const top = [...a.rows].sort((x, y) => (y.value ?? 0) - (x.value ?? 0))[0]
  await expect(table.locator('tbody tr').first()).toContainText(top.group)
  await expect(table.locator('tbody tr').first()).toContainText(formatKpi('ratio', top.value, 'en-US', 'USD', false))
  await page.getByTestId('by-region').click()
  await expect(page).toHaveURL(/by=region/)
  await settled(page)
  await shot(page, 'overview-breakdown')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('breakdown')).toHaveCount(0)
})

test('clicking a bar of money at risk by rule opens the exception list filtered to that rule', async ({ page, api }) => {
  await signIn(page, 'ops')
  const summary = await json<SummaryAnswer>(api, '/api/v1/exceptions/summary?by=rule')
  const top = [...summary.items].sort((a, b) => b.amount_at_risk - a.amount_at_risk)[0]
  await settled(page)
  const p = await chartPoint(page, 'chart-rule', 0, 0)
  await page.mouse.click(p.x, p.y)
  await expect(page).toHaveURL(new RegExp(`/exceptions\\?rule=${top.group}$`))
  await expect(page.getByTestId('exception-table')).toHaveAttribute('data-rows', String(top.count))
  const rows = page.getByTestId('row')
  await expect(rows).toHaveCount(top.count)
  for (const title of await rows.locator('.cell-main').allTextContents()) expect(title).toBe(ruleTitle(top.group))
})

test('clicking a practice bar drills into that practice', async ({ page }) => {
  await signIn(page, 'admin')
  await settled(page)
  const p = await chartPoint(page, 'chart-practice', 0, 0)
  const practice = await page.getByTestId('chart-practice').evaluate((n) => (n as HTMLElement & { cwChart: any }).cwChart.getOption().series[0].data[0].key as string)
  await page.mouse.click(p.x, p.y)
  await expect(page).toHaveURL(`/exceptions?practice=${encodeURIComponent(practice).replace(/%20/g, '+')}`)
  await expect(page.getByTestId('filter-practice')).toContainText(practice)
})
