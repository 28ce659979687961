// Clients that stall in the middle of a body hold what the server gave their request; they must
// not hold up anyone else's ingest.
import http from 'node:http'
import { afterAll, describe, expect, it } from 'vitest'
import { ingestsInProgress } from '../server/ingest/pipeline.ts'
import { ADMIN, ingest, ndjson } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'
import { until } from './helpers/wait.ts'

const server = useServer()
const stalled: http.ClientRequest[] = []
// Registered after the fixture's: afterAll hooks run in reverse, so the stuck requests are
// destroyed before the server closes (a close would wait on them).
afterAll(() => {
  for (const r of stalled) r.destroy()
})

const entry = (key: string) => ({ key, resource_key: 'E1', project_key: 'P1', work_date: '2026-03-02', hours: 2, billable: true, status: 'approved' })

describe('stalled ingest clients', () => {
  it('eight requests stuck mid-body do not stop a ninth from landing', async () => {
    const url = new URL(server.url)
    for (let i = 0; i < 8; i++) {
      const req = http.request({
        host: url.hostname, port: url.port, method: 'POST', path: `/api/v1/ingest/kantata/time_entry?batch=stalled-${i}`,
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' },
      })
      req.on('error', () => {})
      req.write(JSON.stringify(entry(`STALL-${i}`)) + '\n') // and never ends
      stalled.push(req)
    }
    // All eight are inside the pipeline, each holding what it was given, before the ninth starts.
    await until(() => ingestsInProgress() === 8)
    const r = await ingest(server.url, 'kantata', 'time_entry', ndjson([entry('LIVE-1'), entry('LIVE-2')]), 'batch=live')
    expect(r.status).toBe(200)
    expect(r.body.accepted).toBe(2)
    // Landed while all eight are still stuck: it waited for none of them (no wall-clock bound).
    expect(ingestsInProgress()).toBe(8)
  })
})
