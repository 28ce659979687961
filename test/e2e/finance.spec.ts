// Finance: close readiness and the match matrix show the API's numbers, a matrix cell drills
// into record-level differences, and exports download exactly what is on screen.
import fs from 'node:fs'
import { expect, json, settled, shot, signIn, test } from './fixtures.ts'
import { formatPercent } from '../../web/lib/format.ts'
import type { CloseAnswer, MatchRow, ReconciliationAnswer } from '../../web/lib/endpoints.ts'

test('close readiness and the match matrix match the API; a cell drills into its records', async ({ page, api }) => {
  const month = new Date().toISOString().slice(0, 7)
  const close = await json<CloseAnswer>(api, `/api/v1/close?month=${month}`)
  await signIn(page, 'finance', '/finance')
  await expect(page.getByTestId('readiness')).toHaveText(formatPercent(close.readiness, 'en-US', 1))
  await expect(page.getByTestId('ready')).toHaveText(close.ready ? 'Ready to close' : 'Not ready to close')
  await expect(page.getByTestId('blockers').locator('li')).toHaveCount(close.blockers.length)

  await page.getByTestId('scope').selectOption('ytd')
  const ytd = await json<ReconciliationAnswer>(api, `/api/v1/reconciliation?from=${month.slice(0, 4)}-01-01&to=${new Date().toISOString().slice(0, 10)}`)
  await expect(page.getByTestId('matrix-row')).toHaveCount(ytd.items.length)
  // Without `by` every item is a comparison in total.
  const time = ytd.items.find((i) => i.pair === 'psa-erp' && i.entity === 'time_entry') as MatchRow
  const cell = page.getByTestId('cell-psa-erp-time_entry-differing')
  await expect(cell).toHaveText(String(time.differing))
  await cell.click()
  await expect(page).toHaveURL(/pair=psa-erp&entity=time_entry&status=differing/)
  await expect(page.getByTestId('record-row')).toHaveCount(time.differing)
  await page.getByTestId('record-row').first().click()
  await expect(page.getByTestId('records').getByTestId('diff-row').first()).toBeVisible()
  await settled(page)
  await shot(page, 'finance-records')

  // Export exactly these records and open the file.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-recon-csv').click()])
  const text = fs.readFileSync(await csv.path(), 'utf8').replace(/^\uFEFF/, '')
  const lines = text.trim().split(/\r?\n/)
  expect(lines[0]).toContain('Key')
  expect(lines).toHaveLength(time.differing + 1)
  expect(csv.suggestedFilename()).toMatch(/\.csv$/)
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-recon-xlsx').click()])
  expect(fs.readFileSync(await xlsx.path()).subarray(0, 2).toString()).toBe('PK')
})

test('finance exports the exception list as filtered on screen', async ({ page, api }) => {
  await signIn(page, 'finance', '/exceptions?rule=time_entry_hours_mismatch,time_entry_missing_in_erp&status=all')
  const list = await json<{ items: Array<{ id: string }> }>(api, '/api/v1/exceptions?rule=time_entry_hours_mismatch,time_entry_missing_in_erp&status=all&limit=1000')
  await expect(page.getByTestId('exception-table')).toHaveAttribute('data-rows', String(list.items.length))
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()])
  const lines = fs.readFileSync(await dl.path(), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/)
  expect(lines[0]).toContain('Exception id')
  const ids = lines.slice(1).map((l) => l.split(',')[0])
  expect(ids.sort()).toEqual(list.items.map((i) => i.id).sort())
  const [x] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()])
  expect(x.suggestedFilename()).toMatch(/\.xlsx$/)
  expect(fs.readFileSync(await x.path()).subarray(0, 2).toString()).toBe('PK')
})
