// The reporting currency (CONTRACT §5 Currency) in the dashboard: an admin changes it in the
// settings page and the save persists; the money tiles then show amounts in it, and a tile whose
// records partly had no exchange rate says so. The demo firm's rates are into USD, so in EUR its
// USD records have none. The test puts USD back: the other spec files share this server.
import { expect, json, signIn, test } from './fixtures.ts'
import type { SettingsAnswer } from '../../web/lib/endpoints.ts'
import { formatFxNote } from '../../web/lib/format.ts'

test('the reporting currency saves from settings, and a money tile says how much had no rate', async ({ page, api }) => {
  expect((await json<SettingsAnswer>(api, '/api/v1/settings')).reporting_currency).toBe('USD')
  try {
    await signIn(page, 'admin', '/settings')
    const input = page.getByTestId('reporting-currency-input')
    await expect(input).toHaveValue('USD')
    await input.fill('eur')
    await expect(input).toHaveValue('EUR')
    await expect(page.getByTestId('settings-changes')).toContainText('reporting currency')
    await page.getByTestId('settings-save').click()
    await expect(page.getByTestId('settings-dirty')).toHaveCount(0)
    expect((await json<SettingsAnswer>(api, '/api/v1/settings')).reporting_currency).toBe('EUR')

    // The server's own figure, then the tile's note and amount.
    const backlog = await json<{ currency: string; fx_coverage: number }>(api, '/api/v1/kpis/backlog')
    expect(backlog.currency).toBe('EUR')
    expect(backlog.fx_coverage).toBeLessThan(1)
    await page.goto('/')
    const tile = page.getByTestId('kpi-backlog')
    await expect(tile.getByTestId('kpi-fx-note')).toHaveText(formatFxNote(backlog.fx_coverage)!)
    await expect(tile.getByTestId('kpi-value')).toContainText('€')
    // A KPI that is not money has no note.
    await expect(page.getByTestId('kpi-utilization').getByTestId('kpi-value')).toBeVisible()
    await expect(page.getByTestId('kpi-utilization').getByTestId('kpi-fx-note')).toHaveCount(0)
  } finally {
    const res = await api.put('/api/v1/settings', { data: { reporting_currency: 'USD' } })
    expect(res.ok(), `restoring the reporting currency → ${res.status()}`).toBe(true)
  }
})
