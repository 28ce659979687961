// Webhook notifications to owner teams: Slack-compatible text plus fields, retries with backoff,
// failures visible, nothing sent twice. Receivers listen on 127.0.0.1. The server waits through
// a ManualClock, so backoff costs no real time and its schedule is checked exactly.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'
import { ManualClock } from '../server/lib/clock.ts'
import { ingestFirm, plan } from './helpers/firm.ts'
import { api } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'

interface Receiver {
  url: string
  bodies: any[]
  /** The attempt numbers seen per delivery id (X-Crosswalk-Delivery), in arrival order. */
  attempts: Map<string, number[]>
  close(): Promise<void>
}

/**
 * Answers 500 to the first `failures` requests of each delivery, then 200 (or always 500 with
 * Infinity). Counting per delivery keeps concurrent deliveries to one receiver independent.
 */
async function receiver(failures: number): Promise<Receiver> {
  const bodies: any[] = []
  const attempts = new Map<string, number[]>()
  const server = http.createServer((req, res) => {
    let data = ''
    req.on('data', (c) => (data += c))
    req.on('end', () => {
      bodies.push(JSON.parse(data))
      const id = String(req.headers['x-crosswalk-delivery'])
      const seen = attempts.get(id) ?? []
      attempts.set(id, [...seen, Number(req.headers['x-crosswalk-attempt'])])
      res.statusCode = seen.length < failures ? 500 : 200
      res.end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    attempts,
    close: () => new Promise((r) => server.close(() => r())),
  }
}

describe('webhook notifications', () => {
  let flaky: Receiver
  let down: Receiver
  const clock = new ManualClock('2026-09-01T00:00:00Z')

  // The webhook receivers come first: their addresses are in the config.
  const server = useServer(async () => {
    flaky = await receiver(2)
    down = await receiver(Infinity)
    const config = parseConfig({
      sources: DEMO_SOURCES,
      owners: [
        { id: 'billing', webhook: flaky.url },
        { id: 'integration-team', webhook: down.url },
      ],
      notify: { max_attempts: 3, backoff_ms: 20 },
    })
    return { config, clock, firm: true, detect: true }
  })
  // Detection hands its exceptions to the notifier before it answers, so idle() covers them.
  beforeAll(() => server.services.notifier.idle())
  afterAll(async () => {
    await flaky?.close()
    await down?.close()
  })

  it('sends one Slack-compatible message per owner and event, retrying until delivered', async () => {
    const opened = flaky.bodies.filter((b) => b.event === 'opened')
    // Two failures, then success: three identical attempts of the same delivery.
    expect(opened).toHaveLength(3)
    expect(opened[0]).toEqual(opened[2])
    const msg = opened[2]
    expect(msg.owner).toBe('billing')
    expect(msg.text).toMatch(/^9 new exceptions for billing — USD [\d,]+\.\d{2} at risk/)
    expect(msg.count).toBe(9) // 6 invoice mismatches + 3 projects with unbilled time
    expect(new Set(msg.exceptions.map((e: any) => e.rule))).toEqual(new Set(['invoice_amount_mismatch', 'unbilled_time_over_90_days']))
    expect(msg.exceptions[0]).toHaveProperty('due_at')
  })

  it('numbers the attempts of each delivery and backs off exponentially between them', () => {
    const deliveries = [...flaky.attempts.values(), ...down.attempts.values()]
    expect(deliveries.length).toBeGreaterThan(2)
    for (const seen of deliveries) expect(seen).toEqual([1, 2, 3])
    // Every delivery here failed twice before its last attempt: backoff_ms, then twice that.
    expect(clock.sleeps.filter((ms) => ms === 20)).toHaveLength(deliveries.length)
    expect(clock.sleeps.filter((ms) => ms === 40)).toHaveLength(deliveries.length)
    expect(clock.sleeps).toHaveLength(2 * deliveries.length)
  })

  it('notifies overdue exceptions once', async () => {
    // as_of is months before the clock's now, so every SLA has passed.
    expect(flaky.bodies.filter((b) => b.event === 'overdue').at(-1).count).toBe(9)
    await api(server.url, `/api/v1/detect?as_of=${plan.as_of}`, { method: 'POST' })
    await server.services.notifier.idle()
    const r = await api(server.url, '/api/v1/notifications')
    expect(r.body.items.filter((n: any) => n.owner === 'billing')).toHaveLength(2)
  })

  it('keeps failed deliveries visible with their attempts and error', async () => {
    const r = await api(server.url, '/api/v1/notifications')
    expect(r.status).toBe(200)
    const failed = r.body.items.filter((n: any) => n.owner === 'integration-team')
    expect(failed.length).toBeGreaterThan(0)
    for (const n of failed) {
      expect(n.status).toBe('failed')
      expect(n.attempts).toBe(3)
      expect(n.last_error).toBe('HTTP 500')
    }
    expect(down.bodies.length).toBe(3 * failed.length)
    const delivered = r.body.items.filter((n: any) => n.owner === 'billing')
    for (const n of delivered) expect(n.status).toBe('delivered')
    expect(delivered.find((n: any) => n.event === 'opened').attempts).toBe(3)
  })
})
