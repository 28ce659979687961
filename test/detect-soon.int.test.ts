// Detection runs shortly after ingest and after a settings save (server/exceptions/detector.ts),
// not only at the next interval: a new record that breaks a rule opens its exception, and a new
// reporting currency reaches the open exceptions. The debounce is shortened; each wait is on the
// condition, bounded only by the test's timeout.
import { describe, expect, it } from 'vitest'
import { useServer } from './helpers/fixture.ts'
import { listAll } from './helpers/rules.ts'
import { api, ingest, ndjson } from './helpers/server.ts'
import { pollUntil } from './helpers/wait.ts'

// An interval of an hour: any run seen here was started by the ingest or the save.
const server = useServer({ detectInterval: 3600, detectDebounceMs: 20 })

describe('detection soon after a change', () => {
  it('an ingested record that breaks a rule opens its exception without POST /detect', async () => {
    // PSA time approved weeks ago that the ERP never got: time_entry_missing_in_erp.
    const entry = { key: 'TE-SOON-1', resource_key: 'E1', project_key: 'P-SOON', work_date: '2026-11-02', hours: 3, bill_rate: 150, billable: true, status: 'approved', approved_at: '2026-11-03T09:00:00Z' }
    const r = await ingest(server.url, 'kantata', 'time_entry', ndjson([entry]), 'batch=soon-1')
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    await pollUntil(async () => (await listAll(server.url, 'entity_key=TE-SOON-1')).length > 0, 50)
    const [e] = await listAll(server.url, 'entity_key=TE-SOON-1')
    expect(e).toMatchObject({ rule: 'time_entry_missing_in_erp', status: 'open', reporting_currency: 'USD' })
  })

  it('a saved reporting currency reaches the open exceptions without POST /detect', async () => {
    const saved = await api(server.url, '/api/v1/settings', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reporting_currency: 'EUR' }) })
    expect(saved.status, JSON.stringify(saved.body)).toBe(200)
    await pollUntil(async () => (await listAll(server.url, 'entity_key=TE-SOON-1'))[0]?.reporting_currency === 'EUR', 50)
    const all = await listAll(server.url)
    expect(all.length).toBeGreaterThan(0)
    expect(all.every((e) => e.reporting_currency === 'EUR')).toBe(true)
  })
})
