// Starts a real server (embedded ClickHouse, real HTTP on 127.0.0.1) on a fresh data dir.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { start, type Running, type ServeOptions } from '../../server/serve.ts'

export const ADMIN = 'test-admin-token'

export function tempDir(prefix = 'cw-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

export async function startServer(opts: Partial<ServeOptions> = {}): Promise<Running & { dataDir: string }> {
  const dataDir = opts.dataDir ?? tempDir()
  const running = await start({ dataDir, port: 0, adminToken: ADMIN, log: () => {}, detectInterval: 0, ...opts })
  return Object.assign(running, { dataDir })
}

export async function api(base: string, pathAndQuery: string, init: RequestInit & { token?: string | null } = {}) {
  const headers = new Headers(init.headers)
  const token = init.token === undefined ? ADMIN : init.token
  if (token) headers.set('authorization', `Bearer ${token}`)
  const res = await fetch(base + pathAndQuery, { ...init, headers })
  const text = await res.text()
  let body: any
  try {
    body = JSON.parse(text)
  } catch {
    body = text
  }
  return { status: res.status, headers: res.headers, body }
}

export function ingest(base: string, system: string, entity: string, body: string, query = '', init: RequestInit & { token?: string | null } = {}) {
  return api(base, `/api/v1/ingest/${system}/${entity}${query ? `?${query}` : ''}`, {
    method: 'POST',
    body,
    ...init,
    headers: { 'content-type': 'application/x-ndjson', ...(init.headers as Record<string, string>) },
  })
}

export const ndjson = (records: object[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n'
