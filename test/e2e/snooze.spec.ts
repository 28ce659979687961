// Snoozing from the exception list (issue #20): with a note, the exception leaves the list,
// shows under the Snoozed filter with its date, and its history tells who snoozed it until when.
import { expect, json, shot, signIn, test } from './fixtures.ts'
import type { ExceptionDetail, ExceptionItem } from '../../web/lib/endpoints.ts'

type List = { items: ExceptionItem[]; next_cursor: string | null }

test('snooze from the list with a note: it leaves the list, the Snoozed filter shows it with its date, its history says so', async ({ page, api }) => {
  // A rule delivery ops triage that no other spec counts.
  const list = await json<List>(api, '/api/v1/exceptions?rule=won_opportunity_without_project,project_missing_in_psa,resource_cost_rate_mismatch&limit=1')
  expect(list.items.length).toBe(1)
  const target = list.items[0]
  await signIn(page, 'ops', `/exceptions?q=${encodeURIComponent(target.entity_key)}`)
  const row = page.locator(`[data-testid=row][data-key="${target.id}"]`)
  await expect(row).toBeVisible()

  await row.getByTestId('row-select').click()
  await page.getByTestId('bulk-snooze').click()
  const dialog = page.getByTestId('snooze-dialog')
  await expect(dialog).toBeVisible()
  await dialog.getByTestId('snooze-week').check()
  await dialog.getByTestId('snooze-note').fill('Waiting for the SOW to be signed')
  await dialog.getByTestId('snooze-submit').click()
  await expect(dialog).toHaveCount(0)
  await expect(row).toHaveCount(0)

  // The date the quick choice meant: a week from today (UTC), as the server kept it.
  const detail = await json<ExceptionDetail>(api, `/api/v1/exceptions/${target.id}`)
  const now = new Date()
  const week = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 7)).toISOString().slice(0, 10)
  expect(detail.snoozed_until).toBe(`${week}T00:00:00.000Z`)
  expect(detail.history.at(-1)).toMatchObject({ type: 'snoozed', actor: 'omar.ops@firm.example', note: 'Waiting for the SOW to be signed' })
  const label = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${week}T00:00:00Z`))

  await page.getByTestId('filter-snoozed').check()
  await expect(page).toHaveURL(/snoozed=true/)
  await expect(row).toBeVisible()
  await expect(row.getByTestId('row-snoozed')).toHaveText(`until ${label}`)

  await row.click()
  await expect(page.getByTestId('snoozed-badge')).toHaveText(`Snoozed until ${label}`)
  const event = page.locator('[data-testid=history-event][data-type=snoozed]')
  await expect(event).toHaveCount(1)
  await expect(event).toContainText('omar.ops@firm.example')
  await expect(event).toContainText('Waiting for the SOW to be signed')
  await expect(event.getByTestId('history-snoozed-until')).toHaveText(label)
  await shot(page, 'exceptions-snoozed')

  // Unsnoozed from the detail, it is back in the default list.
  await page.getByTestId('action-unsnooze').click()
  await expect(page.getByTestId('snoozed-badge')).toHaveCount(0)
  await page.getByTestId('filter-snoozed').uncheck()
  await expect(row).toBeVisible()
})
