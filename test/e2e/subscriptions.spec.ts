// Subscriptions to saved views: ops saves a view of the exception list, subscribes to it from the
// Views menu (channel and frequency in a small dialog), and an admin sees it in Settings and can
// unsubscribe it. The subscription is stored on the server with the view's query string.
import { expect, json, shot, signIn, test } from './fixtures.ts'
import type { SubscriptionItem } from '../../web/lib/endpoints.ts'

const VIEW = 'Critical by amount (e2e)'

test('save a view, subscribe from the Views menu, see it in Settings as admin', async ({ page, browser, baseURL, api }) => {
  await signIn(page, 'ops', '/exceptions?severity=critical')
  await expect(page).toHaveURL(/\/exceptions\?severity=critical$/)
  await page.getByTestId('saved-views').click()
  await page.getByTestId('save-view').click()
  await page.getByTestId('view-name').fill(VIEW)
  await page.getByTestId('view-save').click()

  await page.getByTestId('saved-views').click()
  const item = page.locator('.view-item').filter({ hasText: VIEW })
  await item.getByTestId('subscribe-view').click()
  const dialog = page.getByTestId('subscribe-modal')
  await expect(dialog).toBeVisible()
  await dialog.getByTestId('subscribe-channel').selectOption('email')
  await dialog.getByTestId('subscribe-frequency').selectOption('weekly')
  await shot(page, 'subscribe-modal')
  await dialog.getByTestId('subscribe-save').click()
  await expect(dialog).toHaveCount(0)
  await expect(page.getByText(`Subscribed to ${VIEW}`)).toBeVisible()

  // Stored on the server with the view's own query string, to the subscriber's address.
  const all = await json<{ items: SubscriptionItem[] }>(api, '/api/v1/subscriptions')
  const sub = all.items.find((s) => s.name === VIEW)
  expect(sub).toMatchObject({ query: 'severity=critical', channel: 'email', frequency: 'weekly', target: 'omar.ops@firm.example', weekday: 'monday', time_zone: 'UTC' })

  // The admin sees it in Settings, with who subscribed, and can unsubscribe it.
  const adminCtx = await browser.newContext({ baseURL })
  const admin = await adminCtx.newPage()
  try {
    await signIn(admin, 'admin', '/settings')
    const row = admin.getByTestId('subscription-row').filter({ hasText: VIEW })
    await expect(row).toBeVisible()
    await expect(row).toContainText('omar.ops@firm.example')
    await expect(row).toContainText('severity=critical')
    await expect(row).toContainText('weekly, mondays at 08:00 UTC')
    await shot(admin, 'settings-subscriptions')
    await row.getByRole('button', { name: `Unsubscribe ${VIEW}` }).click()
    await expect(row).toHaveCount(0)
    const after = await json<{ items: SubscriptionItem[] }>(api, '/api/v1/subscriptions')
    expect(after.items.find((s) => s.id === sub!.id)).toBeUndefined()
  } finally {
    await adminCtx.close()
  }
})
