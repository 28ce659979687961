// `serve --demo` on an empty database: the health answer says the demo firm is loading while it
// does (the dashboard shows that and reloads when it is done), then that it is loaded; on a
// database that has data, nothing is loaded again.
import { describe, expect, it } from 'vitest'
import { loadDemoIfEmpty } from '../ingest/demo/load.ts'
import { api } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'
import { until } from './helpers/wait.ts'

describe('serve --demo', () => {
  const server = useServer()

  it('reports the demo firm loading, then loaded, in the health answer', async () => {
    const before = await api(server.url, '/api/v1/health', { token: null })
    expect(before.body.demo).toBeNull()

    // Health answers 'loading' from the moment the load starts until it ends: ask while it runs.
    const loading = loadDemoIfEmpty(server.running)
    await until(() => server.services.demo === 'loading')
    const during = await api(server.url, '/api/v1/health', { token: null })
    expect(server.services.demo).toBe('loading')
    await loading
    expect(during.body.demo).toBe('loading')
    const after = await api(server.url, '/api/v1/health', { token: null })
    expect(after.body).toMatchObject({ status: 'ok', demo: 'loaded' })
    expect(after.body.sources.every((s: { batches: number }) => s.batches > 0)).toBe(true)

    // Data is there now: a second start with --demo loads nothing more.
    const batches = after.body.sources.map((s: { batches: number }) => s.batches)
    await loadDemoIfEmpty(server.running)
    const again = await api(server.url, '/api/v1/health', { token: null })
    expect(again.body.sources.map((s: { batches: number }) => s.batches)).toEqual(batches)
  })
})
