// 503 with Retry-After when storage is down (CONTRACT §3): nothing half-written, the server
// survives, and the batch id is free again once storage is back.
import { afterAll, describe, expect, it } from 'vitest'
import { ingestsInProgress } from '../server/ingest/pipeline.ts'
import { api, ingest, ndjson, startServer } from './helpers/server.ts'
import { until } from './helpers/wait.ts'
import { config, config503, timeEntry, entryLines, expectError, records } from './helpers/ingest-errors.ts'

describe('503 when storage is down', () => {
  let server: Awaited<ReturnType<typeof startServer>>
  afterAll(async () => {
    try {
      await server?.close()
    } catch {
      // its db is already closed
    }
  })

  it('answers 503 with Retry-After, writes nothing, and the batch id is free after a restart', async () => {
    server = await startServer({ config: config503() })
    const ok = await ingest(server.url, 'kantata', 'time_entry', ndjson([timeEntry('TE-503-0')]), 'batch=before-503')
    expect(ok.status).toBe(200)
    await server.db.close()

    const r = await ingest(server.url, 'kantata', 'time_entry', ndjson([timeEntry('TE-503-1'), timeEntry('TE-503-2')]), 'batch=during-503')
    expectError(r, 503, 'storage_unavailable', /[Rr]etry/)
    const retryAfter = r.headers.get('retry-after')
    expect(retryAfter).toMatch(/^\d+$/)
    expect(Number(retryAfter)).toBeGreaterThan(0)
    expect(JSON.stringify(r.body)).not.toMatch(/closed|Chdb|    at /)

    const dataDir = server.dataDir
    try {
      await server.close()
    } catch {
      // its db is already closed
    }
    server = await startServer({ config: config503(), dataDir })
    expect(await records(server.url, 'kantata', 'time_entry')).toBe(1)
    const again = await ingest(server.url, 'kantata', 'time_entry', ndjson([timeEntry('TE-503-1'), timeEntry('TE-503-2')]), 'batch=during-503')
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ accepted: 2, duplicate: false })
    expect(await records(server.url, 'kantata', 'time_entry')).toBe(3)
  })

  it('answers 503 (and the server survives) when storage goes down in the middle of a streamed body', async () => {
    // In the CLI an unhandled rejection ends the process (Node's default): none may occur.
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    const before = await records(server.url, 'kantata', 'time_entry')
    const stored = async () => {
      const rs = await server.db.client.query({ query: `SELECT count() AS n FROM entity_time_entry WHERE startsWith(key, 'TE-503M')`, format: 'JSONEachRow' })
      return Number((await rs.json<{ n: string }>())[0].n)
    }
    // Phase 0 streams 60,000 rows, enough for the pipeline to write a first chunk (uncommitted)
    // to the entity table, and waits; storage goes down; phase 1 streams enough rows for two
    // more chunk writes: the second waits on the first, which failed, while the body is still
    // being read (the pipeline reads on only as fast as it writes, so no pacing is needed).
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const enc = new TextEncoder()
    const first = entryLines('TE-503M', 60_000)
    const rest = entryLines('TE-503M', 120_000, 60_000)
    let phase = 0
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const src = phase === 0 ? first : rest
        let buf = ''
        while (buf.length < (phase === 0 ? 256 : 64) * 1024) {
          const n = src.next()
          if (n.done) break
          buf += n.value
        }
        if (buf) controller.enqueue(enc.encode(buf))
        else if (phase === 1) controller.close()
        else {
          phase = 1
          await gate
        }
      },
    })
    const pending = api(server.url, '/api/v1/ingest/kantata/time_entry?batch=mid-503', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-ndjson' },
      duplex: 'half',
    } as RequestInit)
    await until(async () => (await stored()) > 0)
    await server.db.close()
    release()
    const r = await pending
    expectError(r, 503, 'storage_unavailable')
    expect(r.headers.get('retry-after')).toMatch(/^\d+$/)
    // Let any stray rejection surface before the restart: the request's work has ended, and
    // Node reports unhandled rejections by the end of the next turn.
    await until(() => ingestsInProgress() === 0)
    await new Promise((r) => setImmediate(r))
    process.off('unhandledRejection', onUnhandled)
    expect(unhandled.map(String)).toEqual([])

    const dataDir = server.dataDir
    try {
      await server.close()
    } catch {
      // its db is already closed
    }
    server = await startServer({ config: config503(), dataDir })
    expect(await records(server.url, 'kantata', 'time_entry')).toBe(before)
    const again = await ingest(server.url, 'kantata', 'time_entry', [...entryLines('TE-503M', 10)].join(''), 'batch=mid-503')
    expect(again.body).toMatchObject({ accepted: 10, duplicate: false })
  })
})
