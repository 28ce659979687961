// The admin settings editor: rule severity and thresholds, service levels and routing edited in
// the page, a routing preview that agrees with the exception list, a save that persists (page and
// API), the server's refusal shown as it said it, and no editor for other roles. Each test puts
// the settings back as it found them: the other spec files share this server.
import type { APIRequestContext } from '@playwright/test'
import { expect, json, settled, shot, signIn, test } from './fixtures.ts'
import type { ExceptionItem, SettingsAnswer } from '../../web/lib/endpoints.ts'
import { formatDateTime, formatMoney } from '../../web/lib/format.ts'

const X = 'time_entry_hours_mismatch'

async function original(api: APIRequestContext) {
  const s = await json<SettingsAnswer>(api, '/api/v1/settings')
  return { routing: s.routing, rules: s.rules, sla_hours: s.sla_hours }
}

async function restore(api: APIRequestContext, body: Awaited<ReturnType<typeof original>>) {
  const res = await api.put('/api/v1/settings', { data: body })
  expect(res.ok(), `restoring settings → ${res.status()}`).toBe(true)
}

const openOf = async (api: APIRequestContext, q: string) => (await json<{ items: ExceptionItem[] }>(api, `/api/v1/exceptions?${q}&limit=10000`)).items

test('admin edits rules, service levels and routing, previews, saves, and it persists', async ({ page, api }) => {
  const before = await original(api)
  const n = before.routing.length
  try {
    await signIn(page, 'admin', '/settings')
    await expect(page.getByTestId('settings-editor')).toBeVisible()
    await expect(page.getByText('does not offer them for editing')).toHaveCount(0)
    await expect(page.getByTestId('settings-save')).toBeDisabled()
    await expect(page.getByTestId('settings-discard')).toBeDisabled()
    await expect(page.getByTestId('settings-dirty')).toHaveCount(0)

    // A rule: severity and a threshold (the default is the placeholder); its open count links to the list.
    const row = page.locator(`[data-testid=rule-row][data-rule=${X}]`)
    await expect(row.getByTestId('rule-open')).toHaveAttribute('href', `/exceptions?rule=${X}`)
    await expect(row.getByTestId('rule-open')).toHaveText(String((await openOf(api, `rule=${X}`)).length))
    await expect(row.getByTestId('rule-param-tolerance_hours')).toHaveAttribute('placeholder', '0.01')
    await expect(row.getByTestId('rule-overridden')).toHaveCount(0)
    await row.getByTestId('rule-severity').selectOption('high')
    await row.getByTestId('rule-param-tolerance_hours').fill('0.25')
    await expect(row.getByTestId('rule-overridden')).toBeVisible()
    await expect(page.getByTestId('settings-dirty')).toBeVisible()
    await expect(page.getByTestId('settings-save')).toBeEnabled()

    // A service level.
    await expect(page.getByTestId('sla-high')).toHaveAttribute('placeholder', '24')
    await page.getByTestId('sla-high').fill('36')

    // Two routes: critical → integration-team, then rule X → an owner typed in, moved to the top.
    const routes = page.getByTestId('route-row')
    await page.getByTestId('route-add').click()
    await routes.nth(n).getByTestId('route-severity').selectOption('critical')
    await routes.nth(n).getByTestId('route-owner').selectOption('integration-team')
    await page.getByTestId('route-add').click()
    await routes.nth(n + 1).getByTestId('route-rule').selectOption(X)
    await routes.nth(n + 1).getByTestId('route-owner').selectOption({ label: 'Other owner…' })
    await routes.nth(n + 1).getByTestId('route-owner-other').fill('finance-leads')
    await routes.nth(n + 1).getByTestId('route-owner-other').press('Enter')
    for (let i = n + 1; i > 0; i--) await routes.nth(i).getByTestId('route-up').click()
    await expect(routes.nth(0).getByTestId('route-rule')).toHaveValue(X)
    await expect(routes.nth(0).getByTestId('route-owner')).toHaveValue('finance-leads')
    await expect(routes.nth(n + 1).getByTestId('route-severity')).toHaveValue('critical')

    // The preview takes, for the first route, every open exception of rule X.
    const xOpen = await openOf(api, `rule=${X}`)
    const all = await openOf(api, 'status=open,acknowledged')
    await page.getByTestId('routing-preview').click()
    await expect(routes.nth(0).getByTestId('preview-count')).toHaveText(String(xOpen.length))
    // In the reporting currency (USD here), as the summary adds them up; the demo firm has EUR and GBP.
    const xAmount = xOpen.reduce((s, e) => s + Number(e.amount_at_risk_reporting ?? 0), 0)
    await expect(routes.nth(0).getByTestId('preview-amount')).toHaveText(formatMoney(xAmount, 'USD', 'en-US', true))
    await expect(page.getByTestId('preview-open')).toHaveText(String(all.length))
    if (n === 0) {
      // With no routes before ours, the critical route takes the critical ones that are not X's.
      const critical = all.filter((e) => e.severity === 'critical' && e.rule !== X)
      await expect(routes.nth(1).getByTestId('preview-count')).toHaveText(String(critical.length))
      await expect(page.getByTestId('preview-unrouted')).toHaveText(String(all.length - xOpen.length - critical.length))
      const changes = xOpen.filter((e) => e.owner !== 'finance-leads').length + critical.filter((e) => e.owner !== 'integration-team').length
      await expect(page.getByTestId('preview-owner-changes')).toHaveText(String(changes))
    }

    // Save: a toast, the page is clean again, and the API answers the new settings.
    await page.getByTestId('settings-save').click()
    await expect(page.getByTestId('toast').filter({ hasText: 'Settings saved' })).toBeVisible()
    await expect(page.getByTestId('settings-dirty')).toHaveCount(0)
    await expect(page.getByTestId('settings-save')).toBeDisabled()
    const saved = await json<SettingsAnswer>(api, '/api/v1/settings')
    expect(saved.rules[X]).toEqual({ severity: 'high', tolerance_hours: 0.25 })
    expect(saved.sla_hours.high).toBe(36)
    expect(saved.routing).toEqual([
      { match: { rule: X }, owner: 'finance-leads' },
      ...before.routing,
      { match: { severity: 'critical' }, owner: 'integration-team' },
    ])

    // After a reload the page shows what was saved.
    await page.reload()
    await expect(row.getByTestId('rule-severity')).toHaveValue('high')
    await expect(row.getByTestId('rule-param-tolerance_hours')).toHaveValue('0.25')
    await expect(row.getByTestId('rule-overridden')).toBeVisible()
    await expect(page.getByTestId('sla-high')).toHaveValue('36')
    await expect(routes).toHaveCount(n + 2)
    await expect(routes.nth(0).getByTestId('route-rule')).toHaveValue(X)
    await expect(routes.nth(0).getByTestId('route-owner')).toHaveValue('finance-leads')
    await expect(page.getByTestId('settings-save')).toBeDisabled()
    await page.getByTestId('routing-preview').click()
    await expect(routes.nth(0).getByTestId('preview-count')).toHaveText(String(xOpen.length))
    await settled(page)
    await shot(page, 'settings-editor')

    // Reset to default is a draft change like any other; Discard brings back what is saved.
    await row.getByTestId('rule-reset').click()
    await expect(row.getByTestId('rule-severity')).toHaveValue('medium')
    await expect(row.getByTestId('rule-param-tolerance_hours')).toHaveValue('')
    await expect(row.getByTestId('rule-overridden')).toHaveCount(0)
    await expect(page.getByTestId('settings-changes')).toHaveText('1 rule')
    await page.getByTestId('settings-discard').click()
    await expect(row.getByTestId('rule-severity')).toHaveValue('high')
    await expect(row.getByTestId('rule-param-tolerance_hours')).toHaveValue('0.25')
    await expect(page.getByTestId('settings-save')).toBeDisabled()
  } finally {
    await restore(api, before)
  }
  expect(await original(api)).toEqual(before)
})

test('a value the server refuses shows its own message by the field, and nothing is saved', async ({ page, api }) => {
  const before = await original(api)
  const n = before.routing.length
  try {
    await signIn(page, 'admin', '/settings')
    const row = page.locator(`[data-testid=rule-row][data-rule=${X}]`)
    const error = page.getByTestId('settings-error-message')

    // A negative threshold goes through the page (the input only marks it) and the server names it.
    const negative = await api.put('/api/v1/settings', { data: { rules: { [X]: { tolerance_hours: -1 } } } })
    expect(negative.status()).toBe(400)
    const negativeMessage = ((await negative.json()) as { error: { message: string } }).error.message
    expect(negativeMessage).toContain(`rules.${X}.tolerance_hours`)
    await row.getByTestId('rule-param-tolerance_hours').fill('-1')
    await page.getByTestId('settings-save').click()
    await expect(error).toHaveText(negativeMessage)
    await expect(row.getByTestId('rule-param-tolerance_hours')).toHaveClass(/invalid/)
    await expect(row.getByTestId('rule-param-tolerance_hours')).toBeFocused()
    await expect(page.getByTestId('settings-dirty')).toBeVisible()
    // Fixing the value clears the refusal.
    await row.getByTestId('rule-param-tolerance_hours').fill('1')
    await expect(page.getByTestId('settings-error')).toHaveCount(0)
    await page.getByTestId('settings-discard').click()

    // A route without an owner: the preview and the save both answer with the server's message.
    const empty = await api.put('/api/v1/settings', { data: { routing: [...before.routing, { match: { rule: X }, owner: '' }] } })
    expect(empty.status()).toBe(400)
    const emptyMessage = ((await empty.json()) as { error: { message: string } }).error.message
    expect(emptyMessage).toContain(`routing[${n}].owner`)
    await page.getByTestId('route-add').click()
    const route = page.getByTestId('route-row').nth(n)
    await route.getByTestId('route-rule').selectOption(X)
    await page.getByTestId('routing-preview').click()
    await expect(page.getByTestId('preview-error')).toContainText(`routing[${n}].owner`)
    await expect(route.getByTestId('route-owner')).toHaveClass(/invalid/) // the field the preview's 400 names
    await page.getByTestId('settings-save').click()
    await expect(error).toHaveText(emptyMessage)
    await expect(route.getByTestId('route-owner')).toHaveClass(/invalid/)
    await page.getByTestId('settings-discard').click()
    await expect(page.getByTestId('route-row')).toHaveCount(n)
    await expect(page.getByTestId('settings-save')).toBeDisabled()
  } finally {
    expect(await original(api)).toEqual(before)
    await restore(api, before)
  }
})

test('a save over settings someone else saved meanwhile is refused, and their settings can be loaded', async ({ page, api }) => {
  const before = await original(api)
  try {
    await signIn(page, 'admin', '/settings')
    await expect(page.getByTestId('settings-editor')).toBeVisible()
    // Another admin saves after this page loaded.
    const theirs = await api.put('/api/v1/settings', { data: { sla_hours: { ...before.sla_hours, low: 333 } } })
    expect(theirs.status()).toBe(200)
    const saved = (await theirs.json()) as { version: string; saved_by: string }

    await page.getByTestId('sla-high').fill('37')
    await page.getByTestId('settings-save').click()
    await expect(page.getByTestId('settings-error-message')).toContainText(`changed by ${saved.saved_by} at ${saved.version} UTC after you loaded them`)
    expect((await original(api)).sla_hours).toEqual({ ...before.sla_hours, low: 333 }) // theirs stands
    await expect(page.getByTestId('settings-dirty')).toBeVisible()

    // Loading the saved settings shows theirs and drops the refused draft; saving again works.
    await page.getByTestId('settings-reload').click()
    await expect(page.getByTestId('sla-low')).toHaveValue('333')
    await expect(page.getByTestId('sla-high')).not.toHaveValue('37')
    await expect(page.getByTestId('settings-error')).toHaveCount(0)
    await expect(page.getByTestId('settings-save')).toBeDisabled()
    await expect(page.getByTestId('settings-last-saved')).toContainText(`Last saved by ${saved.saved_by}`)
    await page.getByTestId('sla-high').fill('37')
    await page.getByTestId('settings-save').click()
    await expect(page.getByTestId('settings-dirty')).toHaveCount(0)
    const after = (await (await api.get('/api/v1/settings')).json()) as { version: string; saved_by: string }
    expect(after.version > saved.version).toBe(true)
    // The time shown is the new save's, in the reader's zone (the test browser's is UTC).
    await expect(page.getByTestId('settings-last-saved')).toHaveText(`Last saved by ${after.saved_by} ${formatDateTime(`${after.version.replace(' ', 'T')}Z`, 'en-US', 'UTC')}.`)
    expect((await original(api)).sla_hours).toEqual({ ...before.sla_hours, low: 333, high: 37 })
  } finally {
    await restore(api, before)
  }
})

test('non-admins do not see the editor, and the API refuses them', async ({ page }) => {
  await signIn(page, 'ops', '/settings')
  await expect(page.getByTestId('settings')).toBeVisible()
  await expect(page.getByTestId('settings-editor')).toHaveCount(0)
  await expect(page.getByTestId('rules')).toHaveCount(0)
  await expect(page.getByTestId('routing')).toHaveCount(0)
  expect((await page.request.get('/api/v1/settings')).status()).toBe(403)
})
