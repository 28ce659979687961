// GET /api/v1/exceptions/timeline: opened and resolved per week (Monday, UTC) and money at risk
// at past instants, summed by the server over every exception (the overview's history charts;
// the dashboard used to page through the whole list for them).
import { beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../server/lib/clock.ts'
import { plan } from './helpers/firm.ts'
import { api } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'

describe('exception timeline', () => {
  let all: Array<{ id: string; amount_at_risk: number; first_detected_at: string }>
  // A Wednesday, the week after the firm's as_of (a Tuesday, 2026-06-30).
  const clock = new ManualClock('2026-07-08T12:00:00Z')

  const server = useServer({ clock, firm: true, detect: true })
  beforeAll(async () => {
    all = (await api(server.url, '/api/v1/exceptions?limit=1000&status=all')).body.items
  })

  it('counts openings per week over the last n weeks, every week listed', async () => {
    const r = await api(server.url, '/api/v1/exceptions/timeline?weeks=3')
    expect(r.status).toBe(200)
    expect(r.body.weeks).toEqual([
      { week: '2026-06-22', opened: 0, resolved: 0 },
      { week: '2026-06-29', opened: all.length, resolved: 0 },
      { week: '2026-07-06', opened: 0, resolved: 0 },
    ])
  })

  it('sums money at risk at each instant: detected by then and not resolved by then', async () => {
    const [a] = all.filter((e) => e.amount_at_risk > 0)
    await api(server.url, `/api/v1/exceptions/${a.id}/actions`, { method: 'POST', body: JSON.stringify({ action: 'resolve', note: 'paid' }), headers: { 'content-type': 'application/json' } })
    const total = all.reduce((n, e) => n + e.amount_at_risk, 0)
    const later = '2099-01-01T00:00:00Z'
    const r = await api(server.url, `/api/v1/exceptions/timeline?weeks=1&at=2026-06-29T00:00:00Z,${plan.as_of}&at=${later}`)
    const at = Object.fromEntries(r.body.money_at_risk.map((m: { at: string; amount_at_risk: number }) => [m.at, m.amount_at_risk]))
    expect(at['2026-06-29T00:00:00.000Z']).toBe(0)
    expect(at[plan.as_of]).toBeCloseTo(total, 6)
    // Resolved since (the action's real time): out of the money at risk from then on.
    expect(at['2099-01-01T00:00:00.000Z']).toBeCloseTo(total - a.amount_at_risk, 6)
  })

  it('refuses a bad instant, naming it', async () => {
    const r = await api(server.url, '/api/v1/exceptions/timeline?at=yesterday')
    expect(r.status).toBe(400)
    expect(r.body.error.message).toContain("at[0]")
  })
})
