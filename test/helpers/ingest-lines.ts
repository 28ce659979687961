// Shared setup of the line-level ingest tests: one server with a source per body format, and
// small helpers over its API.
import { expect } from 'vitest'
import { DEMO_SOURCES, parseConfig } from '../../server/config/load.ts'
import { api, ingest } from './server.ts'
import { useServer, type ServerFixture } from './fixture.ts'
import { timeEntry } from './ingest-errors.ts'

let server: ServerFixture

/** Starts the server for the calling test file. */
export function useLinesServer() {
  server = useServer({
    config: parseConfig({
      sources: [
        ...DEMO_SOURCES,
        // One system per body format, so their counts can be compared side by side.
        { system: 'fmt_nd', kind: 'psa' },
        { system: 'fmt_json', kind: 'psa' },
        { system: 'fmt_gz', kind: 'psa' },
        { system: 'fmt_gzjson', kind: 'psa' },
        { system: 'fmt_chunked', kind: 'psa' },
        { system: 'fmt_chunkedjson', kind: 'psa' },
      ],
    }),
  })
  return { url: () => server.url, server: () => server }
}

/** A valid time entry (the ingest-errors one, with a bill rate written without decimals). */
export const te = (key: string, extra: Record<string, unknown> = {}) => timeEntry(key, { bill_rate: '150', ...extra })

export async function sql<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await server.db.client.query({ query, query_params: params, format: 'JSONEachRow' })
  return rs.json<T>()
}

export async function records(system: string, entity: string, asOf?: string): Promise<number> {
  const r = await api(server.url, `/api/v1/sources${asOf ? `?as_of=${encodeURIComponent(asOf)}` : ''}`)
  expect(r.status).toBe(200)
  const s = r.body.items.find((x: { system: string }) => x.system === system)
  expect(s, system).toBeDefined()
  return s.entities?.[entity]?.records ?? 0
}

export async function ok(system: string, entity: string, body: string, query: string, init: Parameters<typeof ingest>[5] = {}) {
  const r = await ingest(server.url, system, entity, body, query, init)
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body
}

export async function deadLetters(query: string) {
  const r = await api(server.url, `/api/v1/dead-letters?${query}`)
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body.items as Array<Record<string, any>>
}

export const replayOne = (id: string, body?: object) =>
  api(server.url, `/api/v1/dead-letters/${id}/replay`, {
    method: 'POST',
    body: body ? JSON.stringify(body) : undefined,
    headers: body ? { 'content-type': 'application/json' } : {},
  })

export const replayMany = (body: object) =>
  api(server.url, '/api/v1/dead-letters/replay', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })

