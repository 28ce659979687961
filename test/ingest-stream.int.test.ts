// Bodies are streamed (CONTRACT §3): a chunked NDJSON body, produced as it is sent and long enough
// to cross several of the pipeline's 25,000-row chunk writes, lands whole and exactly once.
// Memory staying bounded under a body larger than the heap is `npm run bench -- stream`.
import { describe, expect, it } from 'vitest'
import { ADMIN, api } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'
import { postGenerated } from './helpers/stream-body.ts'

// Three full chunk writes and a partial one; about 14 MB.
const LINES = 3 * 25_000 + 1_234

describe('a streamed body', () => {
  const server = useServer()

  it('lands every line of a multi-chunk chunked body, and a resend is a duplicate', async () => {
    const url = `${server.url}/api/v1/ingest/kantata/time_entry?batch=stream-1&observed_at=2026-03-10T00:00:00Z`
    const r = await postGenerated(url, ADMIN, LINES)
    expect(r.pieces).toBeGreaterThan(100)
    expect(r.status, r.text).toBe(200)
    expect(JSON.parse(r.text)).toEqual({ batch: 'stream-1', accepted: LINES, rejected: 0, duplicate: false, errors: [] })
    const sources = await api(server.url, '/api/v1/sources')
    expect(sources.body.items.find((s: { system: string }) => s.system === 'kantata').entities.time_entry.records).toBe(LINES)
    // Distinct keys: no chunk was written twice and none was lost.
    const [row] = await (await server.db.client.query({ query: `SELECT count() AS n, uniqExact(key) AS keys FROM entity_time_entry WHERE startsWith(key, 'TE-S-')`, format: 'JSONEachRow' })).json<{ n: string; keys: string }>()
    expect([Number(row.n), Number(row.keys)]).toEqual([LINES, LINES])

    const again = await postGenerated(url, ADMIN, LINES)
    expect(JSON.parse(again.text)).toMatchObject({ batch: 'stream-1', accepted: LINES, duplicate: true })
  })
})
