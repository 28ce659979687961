// Shared pieces of the ingest error tests: collector tokens, configs, generated bodies, and
// the checks every error answer must pass.
import { expect } from 'vitest'
import { parseConfig } from '../../server/config/load.ts'
import { sha256Hex } from '../../server/auth/tokens.ts'
import { api } from './server.ts'

export const KANTATA_TOKEN = 'collector-kantata-token'
export const NETSUITE_TOKEN = 'collector-netsuite-token'
export const MAX_BODY = 16_000_000

export const config = () =>
  parseConfig({
    sources: [
      { system: 'kantata', kind: 'psa', token_sha256: sha256Hex(KANTATA_TOKEN) },
      { system: 'netsuite', kind: 'erp', token_sha256: sha256Hex(NETSUITE_TOKEN) },
      { system: 'workday', kind: 'hr' },
    ],
    limits: { max_body_bytes: MAX_BODY },
  })

/** The same sources with the default (4 GB) body limit. */
export const config503 = () => ({ ...config(), limits: parseConfig({}).limits })

export type Res = Awaited<ReturnType<typeof api>>

export const timeEntry = (key: string, extra: object = {}) => ({
  key,
  resource_key: 'E-1',
  project_key: 'P-1',
  work_date: '2026-03-02',
  hours: '7.5',
  billable: true,
  status: 'approved',
  bill_rate: '150.00',
  currency: 'USD',
  ...extra,
})

/** NDJSON time entries, generated without holding more than one line. */
export function* entryLines(prefix: string, n: number, from = 0) {
  for (let i = from; i < from + n; i++) yield JSON.stringify(timeEntry(`${prefix}-${String(i).padStart(7, '0')}`)) + '\n'
}

/** A chunked request body (no Content-Length) from a generator of strings. */
export function chunked(gen: Iterable<string>, chunkBytes = 256 * 1024): ReadableStream<Uint8Array> {
  const it = gen[Symbol.iterator]()
  const enc = new TextEncoder()
  return new ReadableStream({
    pull(controller) {
      let buf = ''
      while (buf.length < chunkBytes) {
        const n = it.next()
        if (n.done) break
        buf += n.value
      }
      if (buf) controller.enqueue(enc.encode(buf))
      else controller.close()
    },
  })
}

/** The error shape every error answer has, with a message naming `mentions`. */
export function expectError(r: Res, status: number, code: string, ...mentions: (string | RegExp)[]) {
  expect(r.status, JSON.stringify(r.body)).toBe(status)
  expect(r.headers.get('content-type')).toMatch(/^application\/json/)
  expect(Object.keys(r.body)).toEqual(['error'])
  expect(r.body.error.code).toBe(code)
  expect(typeof r.body.error.message).toBe('string')
  expect(r.body.error.message.length).toBeGreaterThan(10)
  for (const m of mentions) expect(r.body.error.message).toMatch(m)
  expectNoInternals(r)
}

export const seenErrorBodies: Res[] = []
export function expectNoInternals(r: Res) {
  seenErrorBodies.push(r)
  const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body)
  expect(text).not.toMatch(/\bat \S+ \(|^\s*at\s|\n\s+at\s|\(\/[^)]*:\d+:\d+\)|file:\/\//m)
  expect(text).not.toMatch(/\bSELECT\b|\bINSERT\b|\bFROM\b|Code: \d+|DB::Exception/)
  expect(text).not.toMatch(/node_modules|\.ts:\d+/)
}

export async function records(base: string, system: string, entity: string): Promise<number> {
  const r = await api(base, '/api/v1/sources')
  expect(r.status).toBe(200)
  const s = r.body.items.find((x: { system: string }) => x.system === system)
  return s?.entities?.[entity]?.records ?? 0
}

export async function batchesOf(base: string, system: string): Promise<number> {
  const r = await api(base, '/api/v1/sources')
  return r.body.items.find((x: { system: string }) => x.system === system).batches
}

