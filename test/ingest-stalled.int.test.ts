// Clients that stall in the middle of a body hold what the server gave their request; they must
// not hold up anyone else's ingest.
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, ingest, ndjson, startServer } from './helpers/server.ts'

let server: Awaited<ReturnType<typeof startServer>>
const stalled: http.ClientRequest[] = []

beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  for (const r of stalled) r.destroy()
  await server.close()
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
    await new Promise((r) => setTimeout(r, 300))
    const t = performance.now()
    const r = await ingest(server.url, 'kantata', 'time_entry', ndjson([entry('LIVE-1'), entry('LIVE-2')]), 'batch=live')
    expect(r.status).toBe(200)
    expect(r.body.accepted).toBe(2)
    expect(performance.now() - t).toBeLessThan(10_000)
  })
})
