// Backups and restores (issue 18 item 3): `crosswalk backup DIR` on a running server, then
// `crosswalk restore DIR` into a server started on a fresh data dir, restarted as the runbook
// says (docs/operations.md). The public API answers the same before and after: exceptions with
// their ids, statuses and histories, KPIs, settings, users, tokens, dead letters, transactions.
// Also: a backup taken while an ingest request is half sent holds none of that batch, and the
// request still succeeds; and the refusals (not empty, outside the root, not fresh).
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig, DEMO_SOURCES } from '../server/config/load.ts'
import { queryRows } from '../server/db/query.ts'
import { ADMIN, api, ingest, ndjson, serverPath, startServer, tempDir } from './helpers/server.ts'
import { FIRM_DIR, ingestFirm, plan } from './helpers/firm.ts'
import { allExceptions } from './helpers/expected.ts'

const run = promisify(execFile)
const CLI = path.resolve('server/cli/crosswalk.mjs')
const root = tempDir('cw-backups-')
const config = parseConfig({ sources: DEMO_SOURCES, backup: { dir: root } })
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))
const post = (url: string, p: string, body: unknown) =>
  api(url, p, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })

/** What a person sees through the API: compared before the backup and after the restore. */
async function answers(url: string) {
  const exceptions = await allExceptions(url, 200, '&status=all')
  const details: any[] = []
  for (let i = 0; i < exceptions.length; i += 8)
    details.push(...(await Promise.all(exceptions.slice(i, i + 8).map(async (e) => (await api(url, `/api/v1/exceptions/${e.id}`)).body))))
  const get = async (p: string) => {
    const r = await api(url, p)
    expect(r.status, p).toBe(200)
    return r.body
  }
  return {
    exceptions,
    details,
    kpis: await get(`/api/v1/kpis?as_of=${plan.as_of}`),
    summary: await get('/api/v1/exceptions/summary?status=all'),
    settings: await get('/api/v1/settings'),
    users: await get('/api/v1/users'),
    tokens: await get('/api/v1/tokens'),
    dead_letters: await get('/api/v1/dead-letters?status=all'),
    transactions: await get('/api/v1/transactions?limit=500'),
    sources: (await get('/api/v1/sources')).items.map((s: any) => ({ ...s, last_seen_at: s.last_seen_at })),
  }
}

describe.runIf(!serverPath)('backup and restore on the embedded engine', () => {
  let before: Awaited<ReturnType<typeof answers>>
  let backupDir: string
  let connectorCursor: unknown[]
  const first = tempDir()
  const fresh = tempDir()

  beforeAll(async () => {
    const a = await startServer({ dataDir: first, config })
    try {
      await ingestFirm(a.url)
      const traces = fs.readFileSync(path.join(FIRM_DIR, 'traces.json'), 'utf8')
      expect((await api(a.url, '/v1/traces', { method: 'POST', body: traces, headers: { 'content-type': 'application/json' } })).status).toBe(200)
      // A rejected record: a dead letter to carry across.
      expect((await ingest(a.url, 'kantata', 'resource', ndjson([{ key: 'R-BAD', name: 7 }]), 'batch=bad-1')).status).toBe(200)
      expect((await post(a.url, `/api/v1/detect?as_of=${plan.as_of}`, {})).status).toBe(200)
      const open = await allExceptions(a.url, 200)
      expect(open.length).toBeGreaterThan(5)
      // Histories: each kind of triage on a few exceptions.
      expect((await post(a.url, `/api/v1/exceptions/${open[0].id}/actions`, { action: 'assign', owner: 'finance-ops', note: 'mine' })).status).toBe(200)
      expect((await post(a.url, `/api/v1/exceptions/${open[1].id}/actions`, { action: 'acknowledge' })).status).toBe(200)
      expect((await post(a.url, `/api/v1/exceptions/${open[2].id}/actions`, { action: 'comment', note: 'checked with the PM' })).status).toBe(200)
      expect((await post(a.url, `/api/v1/exceptions/${open[3].id}/actions`, { action: 'resolve', note: 'fixed in NetSuite' })).status).toBe(200)
      const put = await api(a.url, '/api/v1/settings', { method: 'PUT', body: JSON.stringify({ sla_hours: { critical: 2 } }), headers: { 'content-type': 'application/json' } })
      expect(put.status).toBe(200)
      expect((await post(a.url, '/api/v1/users', { name: 'Ana', email: 'ana@firm.example', role: 'finance', password: 'correct horse battery' })).status).toBe(201)
      expect((await post(a.url, '/api/v1/tokens', { kind: 'collector', system: 'netsuite', name: 'nightly' })).status).toBe(201)
      // A connector cursor, as a pull leaves it (connector_state).
      const state = JSON.stringify({ kind: 'modified_since', value: '2026-06-30T00:00:00Z' })
      await a.db.client.insert({ table: 'connector_state', values: [{ system: 'netsuite', entity: 'invoice', state, run_id: '00000000-0000-0000-0000-000000000042', saved_at: '2026-06-30 00:00:00' }], format: 'JSONEachRow' })
      connectorCursor = await queryRows(a.db, 'test.cursor', 'SELECT * FROM connector_state ORDER BY ALL')
      expect(connectorCursor).toHaveLength(1)

      before = await answers(a.url)
      const { stdout } = await run(process.execPath, [CLI, 'backup', 'nightly-1', '--server', a.url, '--token', ADMIN])
      expect(stdout).toMatch(/^backed up \d+ tables, [\d,]+ rows/)
      backupDir = path.join(root, 'nightly-1')
    } finally {
      await a.close()
    }
  })

  it('writes the engine backup and a manifest, private to the owner', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(backupDir, 'crosswalk-backup.json'), 'utf8'))
    expect(manifest.tables.exception_events).toBeGreaterThan(0)
    expect(manifest.tables.users).toBeGreaterThan(0)
    expect(fs.existsSync(path.join(backupDir, 'clickhouse', '.backup'))).toBe(true)
    expect(fs.statSync(path.join(backupDir, 'crosswalk-backup.json')).mode & 0o077).toBe(0)
  })

  it('restores into a fresh data dir: the same exceptions, histories, KPIs, settings, users, tokens and cursors', async () => {
    const b = await startServer({ dataDir: fresh, config })
    try {
      const { stdout } = await run(process.execPath, [CLI, 'restore', 'nightly-1', '--server', b.url, '--token', ADMIN])
      expect(stdout).toContain('every table has the rows the backup lists')
      expect(stdout).toContain('Restart the server now')
    } finally {
      await b.close()
    }
    const c = await startServer({ dataDir: fresh, config })
    try {
      const after = await answers(c.url)
      expect(after.exceptions.length).toBe(before.exceptions.length)
      expect(after.details.map((d: any) => d.history)).toEqual(before.details.map((d: any) => d.history))
      expect(after).toEqual(before)
      expect(await queryRows(c.db, 'test.cursor', 'SELECT * FROM connector_state ORDER BY ALL')).toEqual(connectorCursor)
      // The restore is in the restored server's audit log, after the backup's own entries.
      const audit = (await api(c.url, '/api/v1/audit?limit=1000')).body.items.map((e: any) => e.action)
      expect(audit).toContain('restore')
      expect(audit).toContain('user_create')
      // And it is a working server: a sign-in with the restored user's password.
      expect((await post(c.url, '/api/v1/auth/login', { email: 'ana@firm.example', password: 'correct horse battery' })).status).toBe(200)
      // Restoring again, over data now, is refused.
      const again = await post(c.url, '/api/v1/admin/restore', { dir: 'nightly-1' })
      expect(again.status).toBe(409)
      expect(again.body.error.message).toMatch(/already holds data.*new, empty data dir/)
    } finally {
      await c.close()
    }
  })
})

describe.runIf(!serverPath)('a backup during an ingest request, and the refusals', () => {
  const dir = tempDir()
  let server: Awaited<ReturnType<typeof startServer>>
  beforeAll(async () => {
    server = await startServer({ dataDir: dir, config })
  })
  afterAll(() => server?.close())

  it('holds none of a batch still being sent, whose request then succeeds', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ key: `R-${i}`, name: `Person ${i}`, employment_type: 'employee', status: 'active' }))
    let release!: () => void
    const halfSent = new Promise<void>((r) => (release = r))
    const body = new ReadableStream({
      async start(ctl) {
        ctl.enqueue(new TextEncoder().encode(ndjson(rows.slice(0, 10_000))))
        await halfSent
        ctl.enqueue(new TextEncoder().encode(ndjson(rows.slice(10_000))))
        ctl.close()
      },
    })
    const sending = fetch(`${server.url}/api/v1/ingest/workday/resource?batch=during-backup`, {
      method: 'POST',
      body,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/x-ndjson' },
      duplex: 'half',
    } as RequestInit)
    const b = await post(server.url, '/api/v1/admin/backup', { dir: 'during-ingest' })
    expect(b.status).toBe(200)
    release()
    const res = await sending
    const answer = await res.json()
    expect(res.status, JSON.stringify(answer).slice(0, 300)).toBe(200)
    expect(answer.accepted).toBe(20_000)
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'during-ingest', 'crosswalk-backup.json'), 'utf8'))
    expect(manifest.tables.batches ?? 0).toBe(0)
  })

  it('refuses a directory outside the backup root, an existing backup, and a restore over data', async () => {
    const outside = await post(server.url, '/api/v1/admin/backup', { dir: '/etc/cw' })
    expect(outside.status).toBe(400)
    expect(outside.body.error.message).toContain(root)
    const dots = await post(server.url, '/api/v1/admin/backup', { dir: '../x' })
    expect(dots.status).toBe(400)
    const exists = await post(server.url, '/api/v1/admin/backup', { dir: 'during-ingest' })
    expect(exists.status).toBe(409)
    expect(exists.body.error.code).toBe('exists')
    const missing = await post(server.url, '/api/v1/admin/restore', { dir: 'no-such-backup' })
    expect(missing.status).toBe(404)
    const notFresh = await post(server.url, '/api/v1/admin/restore', { dir: 'during-ingest' })
    expect(notFresh.status).toBe(409)
    expect(notFresh.body.error.code).toBe('not_empty')
  })
})

describe.runIf(serverPath)('backup on the ClickHouse server path', () => {
  const dir = tempDir()
  let server: Awaited<ReturnType<typeof startServer>>
  beforeAll(async () => {
    server = await startServer({ dataDir: dir, config })
  })
  afterAll(() => server?.close())

  // The test server's engine has no backups.allowed_path: the refusal is the engine's, in words.
  it('answers the server\'s own refusal as a sentence, without SQL', async () => {
    const r = await post(server.url, '/api/v1/admin/backup', { dir: 'nightly-1' })
    expect([200, 409]).toContain(r.status)
    if (r.status === 409) {
      expect(r.body.error.code).toBe('backup_refused')
      expect(JSON.stringify(r.body)).not.toMatch(/BACKUP DATABASE|    at /)
    }
  })
})
