// Shared test helpers: the server's address, signing in as a role through the real sign-in
// page, an API client with the admin token to check numbers, and full-page screenshots saved
// under test-results/screenshots/.
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ADMIN_TOKEN, baseURL, ROLE_USERS, type RoleName } from './env.ts'

export const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-results/screenshots')
fs.mkdirSync(SHOTS, { recursive: true })

export const test = base.extend<{ api: APIRequestContext }>({
  baseURL: async ({}, use) => use(baseURL()),
  api: async ({ playwright }, use) => {
    const ctx = await playwright.request.newContext({ baseURL: baseURL(), extraHTTPHeaders: { Authorization: `Bearer ${ADMIN_TOKEN}` } })
    await use(ctx)
    await ctx.dispose()
  },
})
export { expect }

/** Signs in through the sign-in page with the role's email and password. */
export async function signIn(page: Page, role: RoleName, next = '/') {
  const u = ROLE_USERS[role]
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`)
  await page.getByTestId('email').fill(u.email)
  await page.getByTestId('password').fill(u.password)
  await page.getByTestId('sign-in-submit').click()
  await expect(page.getByTestId('role')).toHaveText(
    { executive: 'Executive', ops: 'Delivery ops', finance: 'Finance', admin: 'Admin' }[role],
  )
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' })
}

/** Waits for every chart on the page to have drawn, and every skeleton to be gone. */
export async function settled(page: Page) {
  await expect(page.locator('[data-testid=skeleton], .skeleton')).toHaveCount(0, { timeout: 20_000 })
  await page.waitForTimeout(350) // ECharts' entry animation
}

export async function json<T>(api: APIRequestContext, url: string): Promise<T> {
  const res = await api.get(url)
  expect(res.ok(), `${url} → ${res.status()}`).toBe(true)
  return (await res.json()) as T
}

/** Pixel position of a datum of a chart (its ECharts instance hangs on the element). */
export async function chartPoint(page: Page, testid: string, seriesIndex: number, dataIndex: number): Promise<{ x: number; y: number }> {
  const el = page.getByTestId(testid)
  await expect(el).toHaveAttribute('data-rendered', 'true')
  await el.scrollIntoViewIfNeeded()
  await page.waitForTimeout(100)
  const box = (await el.boundingBox())!
  const p = await el.evaluate(
    (node, [s, d]) => {
      const chart = (node as HTMLElement & { cwChart: { getModel(): any; convertToPixel(f: object, v: unknown): number[] } }).cwChart
      const series = chart.getModel().getSeriesByIndex(s)
      const layout = series.getData().getItemLayout(d) as { x: number; y: number; width: number; height: number }
      return [layout.x + layout.width / 2, layout.y + layout.height / 2]
    },
    [seriesIndex, dataIndex] as const,
  )
  return { x: box.x + p[0], y: box.y + p[1] }
}
