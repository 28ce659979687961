// Every page loads for an admin, with no console errors, and is saved as a screenshot (light,
// dark, and the overview on a 390-wide phone).
import { expect, json, settled, shot, signIn, test } from './fixtures.ts'
import type { ExceptionItem, KpiDef, TransactionItem } from '../../web/lib/endpoints.ts'

const PAGES: Array<[string, string, string]> = [
  ['/', 'overview', 'overview'],
  ['/exceptions', 'exceptions', 'exceptions'],
  ['/finance', 'finance', 'finance'],
  ['/transactions', 'transactions', 'transactions'],
  ['/sources', 'sources', 'sources'],
  ['/settings', 'settings', 'settings'],
]

test('every page loads for an admin, without errors', async ({ page }) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  // The session check before signing in answers 401 by design; anything else is a bug.
  page.on('console', (m) => m.type() === 'error' && !/status of 401/.test(m.text()) && errors.push(m.text()))
  await signIn(page, 'admin')
  for (const [path, testid, name] of PAGES) {
    await page.getByTestId(`nav-${testid}`).click()
    await expect(page).toHaveURL(new RegExp(`${path === '/' ? '/$' : path}`))
    await expect(page.getByTestId(testid)).toBeVisible()
    await expect(page.getByTestId('error')).toHaveCount(0)
    await settled(page)
    await shot(page, `page-${name}`)
  }
  expect(errors).toEqual([])
})

test('detail views: an exception with its values side by side, a transaction waterfall', async ({ page, api }) => {
  const [e] = (await json<{ items: ExceptionItem[] }>(api, '/api/v1/exceptions?rule=time_entry_hours_mismatch')).items
  await signIn(page, 'admin', `/exceptions?id=${e.id}`)
  await expect(page.getByTestId('diff-row').first()).toContainText('Hours')
  await settled(page)
  await shot(page, 'exception-detail')

  const [t] = (await json<{ items: TransactionItem[] }>(api, '/api/v1/transactions?status=failed&limit=1')).items
  await page.goto(`/transactions?trace=${t.trace_id}`)
  const wf = page.getByTestId('tx-detail').getByTestId('waterfall')
  await expect(wf.getByTestId('span').first()).toBeVisible()
  await wf.locator('.wf-row.failed').first().click()
  await expect(page.getByTestId('span-attributes')).toBeVisible()
  await settled(page)
  await shot(page, 'transaction-waterfall')
})

test('dark theme', async ({ page }) => {
  await signIn(page, 'admin')
  await page.getByTestId('theme-toggle').click()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  await settled(page)
  await shot(page, 'dark-overview')
  await page.getByTestId('nav-exceptions').click()
  await page.getByTestId('row').first().click()
  await expect(page.getByTestId('side-by-side')).toBeVisible()
  await settled(page)
  await shot(page, 'dark-exceptions')
  await page.getByTestId('nav-finance').click()
  await settled(page)
  await shot(page, 'dark-finance')
  await page.getByTestId('theme-toggle').click()
})

test('the overview reads on a 390-wide phone', async ({ browser, baseURL, api }) => {
  const ctx = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true })
  const page = await ctx.newPage()
  await signIn(page, 'executive')
  const catalog = (await json<{ items: KpiDef[] }>(api, '/api/v1/kpis')).items
  await expect(page.locator('[data-testid^=kpi-][data-loaded=true]')).toHaveCount(catalog.length, { timeout: 20_000 })
  await settled(page)
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  expect(overflow).toBeLessThanOrEqual(0)
  await shot(page, 'mobile-overview')
  await ctx.close()
})
