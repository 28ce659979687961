// Starts a real server (embedded ClickHouse, real HTTP on 127.0.0.1) on a fresh data dir; in the
// server-path pass (CROSSWALK_TEST_STORAGE=server) on CLICKHOUSE_URL instead, a database per data dir.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { start, type Running, type ServeOptions } from '../../server/serve.ts'
import { migratedDataDir } from '../support/template.ts'

export const ADMIN = 'test-admin-token'

export function tempDir(prefix = 'cw-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

/** True in the server-path pass: servers store through CLICKHOUSE_URL, not an embedded engine. */
export const serverPath = process.env.CROSSWALK_TEST_STORAGE === 'server'

/**
 * The ClickHouse server storage of a data dir in the server-path pass: a database of its own on
 * CLICKHOUSE_URL, named after the dir, so a restart on the same dir finds its data again and
 * servers on other dirs start empty, as they do on the embedded engine.
 */
export async function serverStorage(dataDir: string): Promise<NonNullable<ServeOptions['clickhouse']>> {
  const url = process.env.CLICKHOUSE_URL
  if (!url) throw new Error('CROSSWALK_TEST_STORAGE=server needs CLICKHOUSE_URL (test/support/clickhouse-http/setup.ts sets it)')
  const database = `cw_${crypto.createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16)}`
  const res = await fetch(url, { method: 'POST', body: `CREATE DATABASE IF NOT EXISTS ${database}` })
  if (!res.ok) throw new Error(`creating ${database} on ${url}: ${res.status} ${await res.text()}`)
  return { url, database }
}

export async function startServer(opts: Partial<ServeOptions> = {}): Promise<Running & { dataDir: string }> {
  // An embedded server on a new dir starts from the migrated template (test/support/template.ts).
  const embedded = !opts.clickhouse && !serverPath && process.env.CW_TEST_TEMPLATE !== '0'
  const dataDir = opts.dataDir ?? (embedded ? migratedDataDir() : tempDir())
  const clickhouse = opts.clickhouse ?? (serverPath ? await serverStorage(dataDir) : undefined)
  const running = await start({ dataDir, port: 0, adminToken: ADMIN, log: () => {}, detectInterval: 0, ...opts, clickhouse })
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
