// Shared setup of the line-level ingest tests: one server with a source per body format, and
// small helpers over its API.
import { afterAll, beforeAll, expect } from 'vitest'
import { parseConfig } from '../../server/config/load.ts'
import { api, ingest, startServer } from './server.ts'

let server: Awaited<ReturnType<typeof startServer>>
let url: string

/** Starts the server for the calling test file. */
export function useLinesServer() {
  beforeAll(async () => {
    server = await startServer({
      config: parseConfig({
        sources: [
          { system: 'kantata', kind: 'psa' },
          { system: 'netsuite', kind: 'erp' },
          { system: 'salesforce', kind: 'crm' },
          { system: 'workday', kind: 'hr' },
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
    url = server.url
  })
  afterAll(() => server?.close())
  return { url: () => url, server: () => server }
}


export const te = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  resource_key: 'E-1',
  project_key: 'P-1',
  work_date: '2026-03-02',
  hours: '7.5',
  billable: true,
  status: 'approved',
  bill_rate: '150',
  currency: 'USD',
  ...extra,
})

export async function sql<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await server.db.client.query({ query, query_params: params, format: 'JSONEachRow' })
  return rs.json<T>()
}

export async function records(system: string, entity: string, asOf?: string): Promise<number> {
  const r = await api(url, `/api/v1/sources${asOf ? `?as_of=${encodeURIComponent(asOf)}` : ''}`)
  expect(r.status).toBe(200)
  const s = r.body.items.find((x: { system: string }) => x.system === system)
  expect(s, system).toBeDefined()
  return s.entities?.[entity]?.records ?? 0
}

export async function ok(system: string, entity: string, body: string, query: string, init: Parameters<typeof ingest>[5] = {}) {
  const r = await ingest(url, system, entity, body, query, init)
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body
}

export async function deadLetters(query: string) {
  const r = await api(url, `/api/v1/dead-letters?${query}`)
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body.items as Array<Record<string, any>>
}

export const replayOne = (id: string, body?: object) =>
  api(url, `/api/v1/dead-letters/${id}/replay`, {
    method: 'POST',
    body: body ? JSON.stringify(body) : undefined,
    headers: body ? { 'content-type': 'application/json' } : {},
  })

export const replayMany = (body: object) =>
  api(url, '/api/v1/dead-letters/replay', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })

