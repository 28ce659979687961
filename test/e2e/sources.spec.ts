// Sources: a rejected line shows up with its reason, is fixed in place and replayed; a source's
// connector is shown to everyone and pulled now by an admin.
import { ADMIN_TOKEN } from './env.ts'
import { expect, json, shot, signIn, test } from './fixtures.ts'

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

// Workday has a connector reading the imitation global-setup.ts starts (the demo firm's HR records).
test('an admin sees the Workday connector, pulls now and follows the run to its end', async ({ page, api }) => {
  await signIn(page, 'admin', '/sources')
  await expect(page.locator('[data-testid=source-card][data-system=workday]').getByTestId('feed')).toHaveText('Workday API')
  await expect(page.locator('[data-testid=source-card][data-system=kantata]').getByTestId('feed')).toHaveText('receives pushes')
  const section = page.locator('[data-testid=connector][data-system=workday]')
  await expect(section).toContainText('Workday connector')
  await expect(section.getByTestId('schedule')).toHaveText('Pulls from the Workday API on demand only')
  await expect(page.locator('[data-testid=connector]')).toHaveCount(1)
  const before = (await json<{ items: unknown[] }>(api, '/api/v1/sources/workday/runs')).items.length

  await section.getByTestId('pull-now').click()
  await expect(page.getByTestId('toast').filter({ hasText: 'Workday: Full listing done' })).toBeVisible({ timeout: 30_000 })
  await expect(section.getByTestId('pull-now')).toBeEnabled()
  const last = section.getByTestId('run').first()
  await expect(last).toHaveAttribute('data-status', 'ok')
  // A Workday report has no cursor: the pull lists everything, and the run says so.
  await expect(last).toContainText('Full listing')
  await expect(last).toContainText('Pull now')
  expect(Number((await last.getByTestId('run-records').textContent())!.replace(/\D/g, ''))).toBeGreaterThan(0)
  await expect(section.getByTestId('run')).toHaveCount(before + 1)
  await expect(page.locator('[data-testid=source-card][data-system=workday]').getByTestId('run-status')).toHaveText('OK')
  await shot(page, 'sources-connector')

  const runs = await json<{ items: Array<{ status: string; records: number; trigger: string }> }>(api, '/api/v1/sources/workday/runs')
  expect(runs.items[0]).toMatchObject({ status: 'ok', trigger: 'api' })
  expect(runs.items[0].records).toBeGreaterThan(0)
})

test('other roles see the connector and its last run, with no pull buttons', async ({ page }) => {
  await signIn(page, 'ops', '/sources')
  const section = page.locator('[data-testid=connector][data-system=workday]')
  await expect(section).toContainText('Workday connector')
  await expect(section.getByTestId('schedule')).toBeVisible()
  await expect(page.getByTestId('pull-now')).toHaveCount(0)
  await expect(page.getByTestId('pull-full')).toHaveCount(0)
})
