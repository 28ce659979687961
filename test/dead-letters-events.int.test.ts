// A rejected step event can be fixed and replayed like any other dead letter.
import { describe, expect, it } from 'vitest'
import { api, ingest } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'

describe('replaying a rejected step event', () => {
  const server = useServer()

  it('lists the bad line, then lands it as a span once fixed', async () => {
    const good = { transaction_id: 'tx-replay-1', workflow: 'time_to_cash', step: 'push', entity_type: 'invoice', entity_key: 'INV-R1', status: 'error', error_message: 'boom', started_at: '2026-06-01T10:00:00Z' }
    const bad = { ...good, step: 'post', status: 'bogus' }
    const r = await ingest(server.url, 'kantata', 'events', `${JSON.stringify(good)}\n${JSON.stringify(bad)}\n`, 'batch=ev-replay')
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ accepted: 1, rejected: 1 })
    expect(r.body.errors).toEqual([{ line: 2, field: 'status', message: 'expected ok or error' }])

    const list = await api(server.url, '/api/v1/dead-letters?system=kantata&entity=events')
    expect(list.body.items).toHaveLength(1)
    const dl = list.body.items[0]
    expect(dl.raw).toBe(JSON.stringify(bad))

    const again = await api(server.url, `/api/v1/dead-letters/${dl.id}/replay`, { method: 'POST' })
    expect(again.body.ok).toBe(false)
    expect(again.body.errors[0].field).toBe('status')

    const fixed = await api(server.url, `/api/v1/dead-letters/${dl.id}/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ raw: JSON.stringify({ ...bad, status: 'ok' }) }),
    })
    expect(fixed.body.ok).toBe(true)
    const tx = await api(server.url, '/api/v1/transactions?entity_key=INV-R1')
    expect(tx.body.items).toHaveLength(1)
    expect(tx.body.items[0].spans).toBe(2)
    expect((await api(server.url, '/api/v1/dead-letters?system=kantata&entity=events&status=replayed')).body.items).toHaveLength(1)
  })
})
