// The read cache never serves an answer from before a write: every committed batch, detection
// run, triage action and settings save shows in the very next read. Identical requests in
// flight share one computation.
import { describe, expect, it } from 'vitest'
import { plan } from './helpers/firm.ts'
import { api, ingest, ndjson } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'
import { ManualClock } from '../server/lib/clock.ts'

describe('read cache', () => {
  const kpi = (name: string, q = '') => api(server.url, `/api/v1/kpis/${name}?as_of=${plan.as_of}${q}`)

  const clock = new ManualClock('2026-07-01T00:00:00Z')

  const server = useServer({ clock, firm: true })

  it('answers a repeated read from the cache, with the request\'s own as_of', async () => {
    const first = await api(server.url, '/api/v1/kpis/utilization?from=2026-01-01&to=2026-06-30')
    const before = server.services.cache.status()
    const again = await api(server.url, '/api/v1/kpis/utilization?from=2026-01-01&to=2026-06-30')
    expect(server.services.cache.status().hits).toBe(before.hits + 1)
    expect(again.body.value).toBe(first.body.value)
    expect(Date.parse(again.body.as_of)).toBeGreaterThanOrEqual(Date.parse(first.body.as_of))
  })

  it('shows a committed batch in the next read', async () => {
    const before = await kpi('unbilled_wip')
    // One more approved, billable, uninvoiced ERP entry on a T&M project of the firm.
    const [project] = (await kpi('unbilled_wip', '&by=project')).body.rows
    const r = await ingest(server.url, 'netsuite', 'time_entry',
      ndjson([{ key: 'TE-CACHE-1', resource_key: 'R-0001', project_key: project.group, work_date: '2026-06-01', hours: '2', billable: true, status: 'approved', bill_rate: '100', currency: 'USD' }]),
      'observed_at=2026-06-30T11:00:00Z')
    expect(r.status).toBe(200)
    const after = await kpi('unbilled_wip')
    expect(Number(after.body.value)).toBeCloseTo(Number(before.body.value) + 200, 6)
  })

  it('shows a detection run and a triage action in the next read', async () => {
    const empty = await kpi('money_at_risk')
    expect(empty.body.value).toBe(0)
    const summary = await api(server.url, '/api/v1/exceptions/summary?by=rule')
    expect(summary.body.items).toEqual([])
    await api(server.url, `/api/v1/detect?as_of=${plan.as_of}`, { method: 'POST' })
    expect(Number((await kpi('money_at_risk')).body.value)).toBeGreaterThan(0)
    const list = await api(server.url, '/api/v1/exceptions?limit=5')
    expect(list.body.items.length).toBe(5)
    const id = list.body.items[0].id
    const acted = await api(server.url, `/api/v1/exceptions/${id}/actions`, { method: 'POST', body: JSON.stringify({ action: 'resolve', note: 'fixed' }), headers: { 'content-type': 'application/json' } })
    expect(acted.status).toBe(200)
    const again = await api(server.url, '/api/v1/exceptions?limit=5')
    expect(again.body.items.map((e: { id: string }) => e.id)).not.toContain(id)
  })

  it('runs identical reads in flight once', async () => {
    const before = server.services.cache.status()
    // A period nobody asked for yet: all five requests miss, and share one computation.
    const answers = await Promise.all(Array.from({ length: 5 }, () => kpi('realization', '&from=2026-02-01&to=2026-02-28&by=practice')))
    const after = server.services.cache.status()
    expect(new Set(answers.map((a) => JSON.stringify(a.body.rows))).size).toBe(1)
    expect(after.misses - before.misses).toBe(1)
    expect(after.shared - before.shared).toBe(4)
  })

  it('keeps workflow health over the last 30 days until a transaction leaves the window', async () => {
    const span = (trace: string, start: number) => ({
      traceId: trace.padStart(32, '0'), spanId: trace.padStart(16, '0'), name: 'sync',
      startTimeUnixNano: String(BigInt(start) * 1_000_000n), endTimeUnixNano: String(BigInt(start + 1000) * 1_000_000n),
      attributes: [{ key: 'crosswalk.workflow', value: { stringValue: 'time_to_cash' } }],
    })
    const now = clock.now().getTime()
    const body = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'netsuite' } }] }, scopeSpans: [{ spans: [span('a1', now - 29.9 * 86_400_000), span('b2', now - 3_600_000)] }] }] }
    const sent = await api(server.url, '/v1/traces', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
    expect(sent.status).toBe(200)
    const count = async () => (await api(server.url, '/api/v1/transactions/health?by=workflow')).body.items[0]?.transactions ?? 0
    expect(await count()).toBe(2)
    const hits = server.services.cache.status().hits
    clock.advance(0.05 * 86_400_000)
    expect(await count()).toBe(2)
    expect(server.services.cache.status().hits).toBe(hits + 1)
    // Past 30 days after the first one started: it leaves the window, and the next read says so.
    clock.advance(0.1 * 86_400_000)
    expect(await count()).toBe(1)
  })
})
