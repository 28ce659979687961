// Delivery ops' exception list: filters and sort in the URL (a shared URL gives the same view),
// keyboard triage, bulk acknowledge, resolving with a note and its history, and new exceptions
// without a reload. (The 100,000-row list is in perf.spec.ts.)
import { ADMIN_TOKEN } from './env.ts'
import { expect, json, settled, shot, signIn, test } from './fixtures.ts'
import type { ExceptionDetail, ExceptionItem } from '../../web/lib/endpoints.ts'

type List = { items: ExceptionItem[]; next_cursor: string | null }
const keysOnScreen = (page: import('@playwright/test').Page) => page.getByTestId('row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.key))

test('filters and sort live in the URL, and a shared URL gives the same view', async ({ page, browser, baseURL, api }) => {
  await signIn(page, 'ops', '/exceptions')
  await page.getByTestId('filter-severity').click()
  await page.getByTestId('filter-severity-option-high').click()
  await page.keyboard.press('Escape')
  await page.getByTestId('sort').selectOption('age')
  await expect(page).toHaveURL(/\/exceptions\?severity=high&sort=age$/)
  const api_ = await json<List>(api, '/api/v1/exceptions?severity=high&sort=age&limit=1000')
  await expect(page.getByTestId('exception-table')).toHaveAttribute('data-rows', String(api_.items.length))
  const mine = await keysOnScreen(page)
  expect(mine).toEqual(api_.items.slice(0, mine.length).map((i) => i.id))
  await shot(page, 'exceptions-filtered')

  // Saved as a view, it comes back from anywhere.
  await page.getByTestId('saved-views').click()
  await page.getByTestId('save-view').click()
  await page.getByTestId('view-name').fill('High, oldest first')
  await page.getByTestId('view-save').click()
  await page.goto('/exceptions')
  await page.getByTestId('saved-views').click()
  await page.getByTestId('saved-view').filter({ hasText: 'High, oldest first' }).click()
  await expect(page).toHaveURL(/\/exceptions\?severity=high&sort=age$/)

  // Someone else opens the link.
  const other = await browser.newContext({ baseURL })
  const theirs = await other.newPage()
  await signIn(theirs, 'finance', `/exceptions?severity=high&sort=age`)
  await expect(theirs).toHaveURL(/\/exceptions\?severity=high&sort=age$/)
  await expect(theirs.getByTestId('filter-severity')).toContainText('High')
  await expect(theirs.getByTestId('sort')).toHaveValue('age')
  await expect(theirs.getByTestId('row').first()).toBeVisible()
  expect(await keysOnScreen(theirs)).toEqual(mine)
  await other.close()
})

test('keyboard: j/k move, Enter opens, a acknowledges, / searches', async ({ page, api }) => {
  const list = await json<List>(api, '/api/v1/exceptions?rule=assignment_on_closed_project&status=open')
  expect(list.items.length).toBeGreaterThan(2)
  await signIn(page, 'ops', '/exceptions?rule=assignment_on_closed_project&status=open')
  await expect(page.getByTestId('row')).toHaveCount(list.items.length)
  const active = () => page.locator('.vrow.active').getAttribute('data-key')
  expect(await active()).toBe(list.items[0].id)
  await page.keyboard.press('j')
  await page.keyboard.press('j')
  expect(await active()).toBe(list.items[2].id)
  await page.keyboard.press('k')
  expect(await active()).toBe(list.items[1].id)
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(new RegExp(`id=${list.items[1].id}`))
  await expect(page.getByTestId('detail-key')).toHaveText(list.items[1].entity_key)
  await page.keyboard.press('a')
  await expect(page.getByTestId('detail').getByTestId('status')).toHaveText('Acknowledged')
  const after = await json<ExceptionDetail>(api, `/api/v1/exceptions/${list.items[1].id}`)
  expect(after.status).toBe('acknowledged')
  expect(after.history.at(-1)).toMatchObject({ type: 'acknowledged', actor: 'omar.ops@firm.example' })

  await page.keyboard.press('Escape')
  await expect(page.getByTestId('detail')).toHaveCount(0)
  await page.keyboard.press('/')
  await expect(page.getByTestId('search')).toBeFocused()
  await page.keyboard.type(list.items[0].entity_key)
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(new RegExp(`q=${list.items[0].entity_key}`))
  await expect(page.getByTestId('row')).toHaveCount(1)
})

test('multi-select and bulk acknowledge', async ({ page, api }) => {
  const before = await json<List>(api, '/api/v1/exceptions?rule=assignment_without_recent_time&status=open')
  expect(before.items.length).toBeGreaterThanOrEqual(3)
  await signIn(page, 'ops', '/exceptions?rule=assignment_without_recent_time&status=open')
  await expect(page.getByTestId('row')).toHaveCount(before.items.length)
  const boxes = page.getByTestId('row-select')
  await boxes.nth(0).click()
  await boxes.nth(2).click({ modifiers: ['Shift'] })
  await expect(page.getByTestId('bulk-bar')).toContainText('3 selected')
  await shot(page, 'exceptions-bulk-selection')
  await page.getByTestId('bulk-acknowledge').click()
  await expect(page.getByTestId('toast').filter({ hasText: 'Acknowledged 3 exceptions' })).toBeVisible()
  // Acknowledged rows leave this open-only view.
  await expect(page.getByTestId('row')).toHaveCount(before.items.length - 3)
  for (const e of before.items.slice(0, 3)) expect((await json<ExceptionDetail>(api, `/api/v1/exceptions/${e.id}`)).status).toBe('acknowledged')
})

test('resolve with a note, and see it in the history', async ({ page, api }) => {
  const [target] = (await json<List>(api, '/api/v1/exceptions?rule=resource_missing_in_psa')).items
  await signIn(page, 'ops', `/exceptions?rule=resource_missing_in_psa&id=${target.id}`)
  await expect(page.getByTestId('detail-key')).toHaveText(target.entity_key)
  await expect(page.getByTestId('side-by-side')).toBeVisible()
  await page.getByTestId('action-resolve').click()
  const note = `Added ${target.entity_key} to Kantata (e2e)`
  await page.getByTestId('note-input').fill(note)
  await page.getByTestId('triage-submit').click()
  await expect(page.getByTestId('detail').getByTestId('status')).toContainText('Resolved')
  const event = page.getByTestId('history-event').filter({ hasText: note })
  await expect(event).toHaveAttribute('data-type', 'resolved')
  await expect(event).toContainText('omar.ops@firm.example')
  const d = await json<ExceptionDetail>(api, `/api/v1/exceptions/${target.id}`)
  expect(d.status).toBe('resolved')
  expect(d.history.find((h) => h.type === 'resolved')?.note).toBe(note)
  await shot(page, 'exceptions-resolved-history')
})

test('new exceptions appear without a reload', async ({ page, api }) => {
  await page.addInitScript(() => localStorage.setItem('cw.pollMs', '1000'))
  await signIn(page, 'finance', '/exceptions?rule=project_missing_in_erp')
  await expect(page.getByTestId('list-count')).toContainText('exception')
  const n = Number(await page.getByTestId('exception-table').getAttribute('data-rows'))
  expect(n).toBeGreaterThan(0)
  await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'))
  const created = new Date(Date.now() - 3 * 86400_000).toISOString()
  const key = `PRJ-E2E-${Date.now()}`
  const ingest = await api.post(`/api/v1/ingest/kantata/project?mode=delta&batch=${key}`, {
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    data: [{ key, name: 'E2E: signed yesterday, never set up in NetSuite', status: 'active', billing_type: 'fixed_fee', budget_amount: '12345', currency: 'USD', created_at: created }],
  })
  expect((await ingest.json()).accepted).toBe(1)
  expect((await api.post('/api/v1/detect')).ok()).toBe(true)
  await expect(page.getByText(key)).toBeVisible({ timeout: 15_000 })
  await expect(page.getByTestId('row')).toHaveCount(n + 1)
  expect(await page.evaluate(() => (window as unknown as { marker: string }).marker)).toBe('same page')
})
