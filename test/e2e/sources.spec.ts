// Sources: a rejected line shows up with its reason, is fixed in place and replayed.
import { ADMIN_TOKEN } from './env.ts'
import { expect, shot, signIn, test } from './fixtures.ts'

test('a rejected line is listed with its reason, fixed and replayed', async ({ page, api }) => {
  const key = `PRJ-E2E-DL-${Date.now()}`
  const bad = { key, name: 'E2E rejected project', status: 'bogus', billing_type: 'fixed_fee' }
  const res = await api.post(`/api/v1/ingest/kantata/project?mode=delta&batch=${key}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, data: [bad] })
  const answer = await res.json()
  expect(answer.rejected).toBe(1)

  await signIn(page, 'ops', '/sources')
  await expect(page.locator('[data-testid=source-card][data-system=kantata]').getByTestId('rejected')).not.toHaveText('0')
  const row = page.getByTestId('dead-letter').filter({ hasText: key })
  await expect(row).toContainText('status')
  await row.click()
  await shot(page, 'sources-dead-letter')
  const raw = page.locator('textarea.raw')
  await raw.fill(JSON.stringify({ ...bad, status: 'active' }))
  await page.getByTestId('replay-one').click()
  await expect(page.getByTestId('toast').filter({ hasText: 'Replayed 1 line' })).toBeVisible()
  await expect(page.getByTestId('dead-letter').filter({ hasText: key })).toHaveCount(0)
  const replayed = await (await api.get(`/api/v1/dead-letters?status=replayed&system=kantata`)).json()
  expect(replayed.items.some((d: { key: string }) => d.key === key)).toBe(true)
})
