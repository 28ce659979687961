// Health says so when writes cannot succeed (issue 18, defect 9): a write probe (a tiny insert,
// at most every 10 s of the server's clock while it succeeds) and the span log's set-aside rows.
// A full disk and a read-only data dir, end to end, are in the fault suite (test/faults/).
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../server/lib/clock.ts'
import { api, startServer, tempDir } from './helpers/server.ts'

const clock = new ManualClock('2026-06-01T00:00:00Z')
let server: Awaited<ReturnType<typeof startServer>>
beforeAll(async () => {
  server = await startServer({ clock })
})
afterAll(() => server?.close().catch(() => {}))

const health = () => api(server.url, '/api/v1/health', { token: null })
const rename = (from: string, to: string) => server.db.client.command({ query: `RENAME TABLE ${from} TO ${to}` })

describe('health and writes', () => {
  it('says ok while a write succeeds, failing (503) once none can, and ok again at once when they can', async () => {
    const ok = await health()
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ status: 'ok', problems: [], writes: { ok: true, problem: null, checked_at: '2026-06-01T00:00:00.000Z' } })
    await rename('health_probe', 'health_probe_away')
    try {
      // A success stands for 10 s of the server's clock: health is polled, the probe is a write.
      expect((await health()).body.status).toBe('ok')
      clock.advance(10_000)
      const failing = await health()
      expect(failing.status).toBe(503)
      expect(failing.body).toMatchObject({ status: 'failing', writes: { ok: false, checked_at: '2026-06-01T00:00:10.000Z' } })
      expect(failing.body.problems).toEqual([failing.body.writes.problem])
      expect(failing.body.writes.problem).toMatch(/^Writes to storage fail/)
      expect(JSON.stringify(failing.body)).not.toMatch(/INSERT|health_probe|Exception/)
    } finally {
      await rename('health_probe_away', 'health_probe')
    }
    expect(await health()).toMatchObject({ status: 200, body: { status: 'ok', writes: { ok: true } } })
  })

  // The span log is the embedded engine's write-ahead log; a ClickHouse server has none.
  it.skipIf(process.env.CROSSWALK_TEST_STORAGE === 'server')('says degraded while span-log rows are set aside, from the first request after a start', async () => {
    await server.close() // one embedded engine per process
    const dataDir = tempDir()
    const failed = path.join(dataDir, 'span-log', 'failed')
    fs.mkdirSync(failed, { recursive: true })
    fs.writeFileSync(path.join(failed, '1-bad.tsv'), 'not\ta\tspan\n')
    const aside = { file: '1-bad.tsv', rows: 1, reason: 'Too many partitions for single INSERT block (more than 100)', at: '2026-06-01T00:00:00.000Z' }
    fs.writeFileSync(path.join(dataDir, 'span-log', 'set-aside.json'), JSON.stringify({ '1-bad.tsv': aside }))
    const other = await startServer({ dataDir, clock: new ManualClock('2026-06-01T00:00:00Z') })
    try {
      const r = await api(other.url, '/api/v1/health', { token: null })
      expect(r.status).toBe(200)
      expect(r.body.status).toBe('degraded')
      expect(r.body.problems).toEqual([expect.stringMatching(/^1 acknowledged span rows are set aside/)])
      expect(r.body.span_log.segments_set_aside).toBe(1)
    } finally {
      await other.close()
    }
  })
})
