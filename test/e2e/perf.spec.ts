// What the performance figures rest on, checked without timing it (npm run bench -- ui times
// it): the overview loads every tile and chart in under 300 KB of initial JS, and a
// 100,000-row exception list loads by scrolling and draws only the rows on screen.
import { ROLE_USERS } from './env.ts'
import { expect, settled, shot, signIn, test } from './fixtures.ts'
import { frameTimes, timeOverview } from './measure.ts'
import type { ExceptionItem } from '../../web/lib/endpoints.ts'

test.use({ trace: 'off' })

test('the overview loads every tile and chart, with under 300 KB of initial JS', async ({ browser, baseURL }) => {
  // How fast is `npm run bench -- ui`: a time limit here would fail on a loaded machine by chance.
  const context = await browser.newContext({ baseURL })
  // Sign in over the API (same cookie jar), so the page load is a cold one.
  const login = await context.request.post('/api/v1/auth/login', { data: { email: ROLE_USERS.executive.email, password: ROLE_USERS.executive.password } })
  expect(login.ok()).toBe(true)
  const catalog = await context.request.get('/api/v1/kpis')
  expect(catalog.ok()).toBe(true)
  const t = await timeOverview(context, ((await catalog.json()) as { items: unknown[] }).items.length)
  expect(t.tiles).toBeGreaterThan(0)
  expect(t.charts).toBeGreaterThan(0)
  expect(t.jsBytes).toBeLessThan(300 * 1024)
  await context.close()
})

test('a list of 100,000 exceptions loads by scrolling and draws only the rows on screen', async ({ page }) => {
  test.setTimeout(180_000)
  const TOTAL = 100_000
  const PAGE = 10_000
  const item = (i: number): ExceptionItem => ({
    id: `id${String(i).padStart(6, '0')}`, rule: 'time_entry_hours_mismatch', entity_type: 'time_entry', entity_key: `TE-${String(i).padStart(7, '0')}`,
    systems: ['kantata', 'netsuite'], severity: 'medium', owner: 'finance-ops', status: 'open', resolution: null, amount_at_risk: TOTAL - i, currency: 'USD',
    amount_at_risk_reporting: TOTAL - i, reporting_currency: 'USD',
    practice: 'Technology', region: 'NA', first_detected_at: '2026-11-01T00:00:00Z', last_detected_at: '2026-11-01T00:00:00Z', due_at: '2026-12-01T00:00:00Z', overdue: false, updated_at: '2026-11-01T00:00:00Z', resolved_at: null, snoozed_until: null, details: {},
  })
  await page.route(/\/api\/v1\/exceptions\?/, (route) => {
    const u = new URL(route.request().url())
    const from = Number(u.searchParams.get('cursor') ?? 0)
    // Pages bigger than the real API's 1,000, so loading all 100,000 takes ten requests.
    const to = Math.min(TOTAL, from + (from === 0 ? Number(u.searchParams.get('limit') ?? 50) : PAGE))
    const items = Array.from({ length: to - from }, (_, k) => item(from + k))
    return route.fulfill({ json: { items, next_cursor: to < TOTAL ? String(to) : null } })
  })
  await signIn(page, 'ops', '/exceptions')
  const table = page.getByTestId('exception-table')
  const scroller = table.locator('.vscroll')
  // Scroll to the end until every page is loaded.
  // Bounded by the test's timeout, not by a count of tries.
  while ((await table.getAttribute('data-rows')) !== String(TOTAL)) {
    await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight))
    await page.waitForTimeout(50)
  }
  await expect(table).toHaveAttribute('data-rows', String(TOTAL))
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight))
  await expect(page.getByText('TE-0099999')).toBeVisible()
  expect(await page.getByTestId('row').count()).toBeLessThan(80)
  // A sweep from top to bottom keeps only the rows on screen drawn (how fast: npm run bench -- ui).
  const frames = await frameTimes(page, '[data-testid=exception-table] .vscroll')
  expect(frames.length).toBeGreaterThan(100)
  expect(await page.getByTestId('row').count()).toBeLessThan(80)
  await settled(page)
  await shot(page, 'exceptions-100k')
})
