// Each role sees only what it may: the navigation, the pages, the actions, and the API behind
// them. Also signing in and out, and signing in with the admin token.
import { ADMIN_TOKEN, ROLE_USERS } from './env.ts'
import { expect, json, shot, signIn, test } from './fixtures.ts'
import type { ExceptionItem, KpiDef } from '../../web/lib/endpoints.ts'

test('signed out: pages ask to sign in and come back after; a wrong password is refused', async ({ page }) => {
  await page.goto('/exceptions?severity=high')
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fexceptions%3Fseverity%3Dhigh/)
  await shot(page, 'sign-in')
  await page.getByTestId('email').fill(ROLE_USERS.ops.email)
  await page.getByTestId('password').fill('not the password')
  await page.getByTestId('sign-in-submit').click()
  await expect(page.getByTestId('sign-in-error')).toHaveText('Wrong email or password.')
  await page.getByTestId('password').fill(ROLE_USERS.ops.password)
  await page.getByTestId('sign-in-submit').click()
  await expect(page).toHaveURL(/\/exceptions\?severity=high$/)
  await page.getByTestId('sign-out').click()
  await expect(page).toHaveURL(/\/sign-in/)
  await page.goto('/')
  await expect(page).toHaveURL(/\/sign-in/)
})

test('the admin token signs in from the token form', async ({ page }) => {
  await page.goto('/sign-in')
  await page.getByTestId('sign-in-mode').click()
  await page.getByTestId('token').fill(ADMIN_TOKEN)
  await page.getByTestId('sign-in-submit').click()
  await expect(page.getByTestId('role')).toHaveText('Admin')
  await expect(page.getByTestId('nav-settings')).toBeVisible()
})

test('executive: the overview only, with summaries; no lists, no triage', async ({ page, api }) => {
  await signIn(page, 'executive')
  await expect(page.locator('nav [data-testid^=nav-]')).toHaveText(['Overview', 'Settings'])
  const catalog = (await json<{ items: KpiDef[] }>(api, '/api/v1/kpis')).items
  await expect(page.locator('[data-testid^=kpi-][data-loaded=true]')).toHaveCount(catalog.length, { timeout: 20_000 })
  await expect(page.getByTestId('chart-rule')).toBeVisible()
  for (const path of ['/exceptions', '/finance', '/transactions', '/sources']) {
    await page.goto(path)
    await expect(page.getByTestId('forbidden'), path).toBeVisible()
  }
  await shot(page, 'executive-forbidden')
  // The server refuses too, with the executive's own session.
  expect((await page.request.get('/api/v1/exceptions')).status()).toBe(403)
  expect((await page.request.get('/api/v1/exceptions/summary?by=rule')).status()).toBe(200)
  expect((await page.request.get('/api/v1/exports/exceptions.csv')).status()).toBe(403)
  await page.goto('/settings')
  await expect(page.getByTestId('users')).toHaveCount(0)
})

test('ops: triages delivery rules, reads finance rules, cannot export', async ({ page, api }) => {
  const [finance] = (await json<{ items: ExceptionItem[] }>(api, '/api/v1/exceptions?rule=invoice_amount_mismatch')).items
  await signIn(page, 'ops', `/exceptions?rule=invoice_amount_mismatch&id=${finance.id}`)
  await expect(page.getByTestId('detail-key')).toHaveText(finance.entity_key)
  await expect(page.getByTestId('action-resolve')).toBeDisabled()
  await expect(page.getByTestId('export-csv')).toHaveCount(0)
  await expect(page.getByTestId('nav-settings')).toBeVisible()
  await page.goto('/settings')
  await expect(page.getByTestId('users')).toHaveCount(0)
})

test('finance: exports, triages finance rules only', async ({ page, api }) => {
  const [ops] = (await json<{ items: ExceptionItem[] }>(api, '/api/v1/exceptions?rule=assignment_terminated_resource')).items
  await signIn(page, 'finance', `/exceptions?id=${ops.id}`)
  await expect(page.getByTestId('export-csv')).toBeVisible()
  await expect(page.getByTestId('action-resolve')).toBeDisabled()
  const res = await page.request.post(`/api/v1/exceptions/${ops.id}/actions`, { data: { action: 'acknowledge' }, headers: { 'X-CSRF-Token': await page.evaluate(() => sessionStorage.getItem('cw.csrf') ?? '') } })
  expect(res.status()).toBe(403)
})

test('admin: manages users and tokens', async ({ page }) => {
  await signIn(page, 'admin', '/settings')
  const users = page.getByTestId('user-row')
  for (const u of Object.values(ROLE_USERS)) await expect(users.filter({ hasText: u.email })).toHaveCount(1)
  await expect(page.getByTestId('tokens')).toBeVisible()
  await expect(page.getByTestId('rules')).toBeVisible()
})
