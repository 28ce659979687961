// `serve --demo` on an empty database: the health answer says the demo firm is loading while it
// does (the dashboard shows that and reloads when it is done), then that it is loaded; on a
// database that has data, nothing is loaded again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDemoIfEmpty } from '../ingest/demo/load.ts'
import { api, startServer } from './helpers/server.ts'

describe('serve --demo', () => {
  let server: Awaited<ReturnType<typeof startServer>>
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server?.close())

  it('reports the demo firm loading, then loaded, in the health answer', async () => {
    const before = await api(server.url, '/api/v1/health', { token: null })
    expect(before.body.demo).toBeNull()

    const loading = loadDemoIfEmpty(server)
    const seen = new Set<string | null>()
    let done = false
    void loading.then(() => (done = true))
    while (!done) {
      seen.add((await api(server.url, '/api/v1/health', { token: null })).body.demo)
      await new Promise((r) => setTimeout(r, 50))
    }
    await loading
    expect(seen.has('loading')).toBe(true)
    const after = await api(server.url, '/api/v1/health', { token: null })
    expect(after.body).toMatchObject({ status: 'ok', demo: 'loaded' })
    expect(after.body.sources.every((s: { batches: number }) => s.batches > 0)).toBe(true)

    // Data is there now: a second start with --demo loads nothing more.
    const batches = after.body.sources.map((s: { batches: number }) => s.batches)
    await loadDemoIfEmpty(server)
    const again = await api(server.url, '/api/v1/health', { token: null })
    expect(again.body.sources.map((s: { batches: number }) => s.batches)).toEqual(batches)
  })
})
