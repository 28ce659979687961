// Defect 18: the data dir held password hashes readable by every local user (0755, files 0644).
// Now it is 0700 and its files 0600: what the engine writes as it runs (umask), and what an
// earlier version left open (fixed at start, with a line saying so).
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { api, ingest, ndjson, serverPath, startServer, tempDir } from './helpers/server.ts'

/** Every entry under `dir` (itself too) that group or other may reach, with its mode. */
function openEntries(dir: string): string[] {
  const out: string[] = []
  const walk = (p: string) => {
    const st = fs.lstatSync(p)
    if (st.isSymbolicLink()) return
    if (st.mode & 0o077) out.push(`${path.relative(dir, p) || '.'} ${(st.mode & 0o777).toString(8)}`)
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e))
  }
  walk(dir)
  return out
}

describe.runIf(!serverPath)('the data dir is private to its owner', () => {
  it('a new data dir and everything the engine and server write in it: 0700 directories, 0600 files', async () => {
    const dataDir = path.join(tempDir(), 'data')
    // Without adminToken the server writes its admin-token file here too.
    const s = await startServer({ dataDir, adminToken: undefined })
    try {
      expect((await api(s.url, '/api/v1/users', { method: 'POST', body: JSON.stringify({ name: 'A', email: 'a@firm.example', role: 'admin', password: 'a long password 1' }), headers: { 'content-type': 'application/json' }, token: s.adminToken })).status).toBe(201)
      expect((await ingest(s.url, 'workday', 'resource', ndjson([{ key: 'E1', name: 'Ana', employment_type: 'employee', status: 'active' }]), 'batch=b1', { token: s.adminToken })).status).toBe(200)
      expect(fs.readdirSync(dataDir).length).toBeGreaterThan(3)
      expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700)
      expect(openEntries(dataDir)).toEqual([])
    } finally {
      await s.close()
    }
  })

  it('an existing data dir left open by an earlier version is made private at start, with a log line', async () => {
    const dataDir = path.join(tempDir(), 'data')
    fs.mkdirSync(path.join(dataDir, 'old'), { recursive: true, mode: 0o755 })
    fs.chmodSync(dataDir, 0o755)
    fs.chmodSync(path.join(dataDir, 'old'), 0o755)
    fs.writeFileSync(path.join(dataDir, 'old', 'hashes'), 'x', { mode: 0o644 })
    fs.chmodSync(path.join(dataDir, 'old', 'hashes'), 0o644)
    expect(openEntries(dataDir)).toHaveLength(3)
    const lines: string[] = []
    const s = await startServer({ dataDir, log: (l) => lines.push(l) })
    try {
      expect(openEntries(dataDir)).toEqual([])
      expect(fs.statSync(path.join(dataDir, 'old', 'hashes')).mode & 0o777).toBe(0o600)
      expect(lines.some((l) => /made 3 entries of the data directory .* private to its owner/.test(l))).toBe(true)
    } finally {
      await s.close()
    }
  })
})
