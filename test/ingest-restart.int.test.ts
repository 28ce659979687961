// What was acknowledged survives a restart (and a kill), batch ids stay duplicates across it, and a
// second process on a data dir in use fails with one clear sentence.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ADMIN, api, ingest, ndjson, startServer, tempDir } from './helpers/server.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const CLI = path.join(ROOT, 'server/cli/crosswalk.mjs')

const te = (key: string, hours = '7.5') => ({
  key,
  resource_key: 'E-1',
  project_key: 'P-1',
  work_date: '2026-03-02',
  hours,
  billable: true,
  status: 'approved',
})

async function counts(base: string) {
  const r = await api(base, '/api/v1/sources')
  expect(r.status).toBe(200)
  const out: Record<string, number> = {}
  for (const s of r.body.items) for (const [e, c] of Object.entries<{ records: number }>(s.entities)) out[`${s.system}/${e}`] = c.records
  return out
}

interface Child {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs the CLI; resolves when it exits, or (with `until`) once stdout matches. */
function runCli(args: string[], opts: { env?: Record<string, string>; until?: RegExp; timeoutMs?: number } = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, CROSSWALK_DETECT_INTERVAL: '0', NODE_OPTIONS: '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const out: Child = { code: null, signal: null, stdout: '', stderr: '' }
  child.stdout.on('data', (d) => (out.stdout += d))
  child.stderr.on('data', (d) => (out.stderr += d))
  const exited = new Promise<Child>((resolve) =>
    child.on('exit', (code, signal) => {
      out.code = code
      out.signal = signal
      resolve(out)
    }),
  )
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out; stdout: ${out.stdout} stderr: ${out.stderr}`)), opts.timeoutMs ?? 60_000)
    child.stdout.on('data', () => {
      const m = opts.until && opts.until.exec(out.stdout)
      if (m) {
        clearTimeout(timer)
        resolve(m[1] ?? m[0])
      }
    })
    exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`exited ${out.code}; stderr: ${out.stderr}`))
    })
  })
  ready.catch(() => {})
  return { child, exited, ready, out }
}

describe('a restart keeps the data', () => {
  it('keeps records, dead letters and batch ids across close and start on the same data dir', async () => {
    const dataDir = tempDir()
    const a = await startServer({ dataDir })
    const first = await ingest(
      a.url,
      'kantata',
      'time_entry',
      ndjson([te('TE-R-1'), te('TE-R-2'), te('TE-R-3', '99'), te('TE-R-4')]),
      'batch=r-1&observed_at=2026-03-01T00:00:00Z',
    )
    expect(first.body).toMatchObject({ accepted: 3, rejected: 1, duplicate: false })
    const full = await ingest(
      a.url,
      'salesforce',
      'account',
      ndjson([{ key: 'AC-R-1', name: 'One' }, { key: 'AC-R-2', name: 'Two' }]),
      'mode=full&batch=r-2&observed_at=2026-03-01T00:00:00Z',
    )
    expect(full.status).toBe(200)
    await ingest(a.url, 'salesforce', 'account', ndjson([{ key: 'AC-R-1', name: 'One' }]), 'mode=full&batch=r-3&observed_at=2026-03-02T00:00:00Z')
    const before = await counts(a.url)
    expect(before).toMatchObject({ 'kantata/time_entry': 3, 'salesforce/account': 1 })
    const deadBefore = (await api(a.url, '/api/v1/dead-letters?status=all')).body.items
    expect(deadBefore).toHaveLength(1)
    await a.close()

    const b = await startServer({ dataDir })
    try {
      expect(await counts(b.url)).toEqual(before)
      const again = await ingest(b.url, 'kantata', 'time_entry', ndjson([te('TE-R-9')]), 'batch=r-1')
      expect(again.body).toEqual({ batch: 'r-1', accepted: 3, rejected: 1, duplicate: true, errors: [] })
      expect((await counts(b.url))['kantata/time_entry']).toBe(3)
      const deadAfter = (await api(b.url, '/api/v1/dead-letters?status=all')).body.items
      expect(deadAfter).toEqual(deadBefore)
      // The restarted server replays what the first one dead-lettered.
      const replay = await api(b.url, `/api/v1/dead-letters/${deadAfter[0].id}/replay`, {
        method: 'POST',
        body: JSON.stringify({ raw: JSON.stringify(te('TE-R-3', '9')) }),
        headers: { 'content-type': 'application/json' },
      })
      expect(replay.body.ok).toBe(true)
      expect((await counts(b.url))['kantata/time_entry']).toBe(4)
      // It also takes new batches.
      const next = await ingest(b.url, 'kantata', 'time_entry', ndjson([te('TE-R-5')]), 'batch=r-4')
      expect(next.body).toMatchObject({ accepted: 1, duplicate: false })
      expect((await counts(b.url))['kantata/time_entry']).toBe(5)
    } finally {
      await b.close()
    }
  })

  it('keeps what was acknowledged when the server process is killed', async () => {
    const dataDir = tempDir()
    const run = runCli(['serve', '--data', dataDir, '--port', '0'], {
      env: { CROSSWALK_ADMIN_TOKEN: ADMIN },
      until: /Crosswalk .*?(http:\/\/\S+)/,
    })
    let url: string
    try {
      url = await run.ready
      const r = await ingest(url, 'kantata', 'time_entry', ndjson([te('TE-K-1'), te('TE-K-2')]), 'batch=k-1&observed_at=2026-03-01T00:00:00Z')
      expect(r.status).toBe(200)
      expect(r.body.accepted).toBe(2)
    } finally {
      run.child.kill('SIGKILL')
    }
    const exit = await run.exited
    expect(exit.signal).toBe('SIGKILL')

    const b = await startServer({ dataDir })
    try {
      expect((await counts(b.url))['kantata/time_entry']).toBe(2)
      const again = await ingest(b.url, 'kantata', 'time_entry', ndjson([te('TE-K-3')]), 'batch=k-1')
      expect(again.body).toMatchObject({ duplicate: true, accepted: 2 })
    } finally {
      await b.close()
    }
  })
})

describe('a data dir in use', () => {
  it('makes a second server exit non-zero with one sentence naming the directory, no stack trace', async () => {
    const dataDir = tempDir()
    const held = await startServer({ dataDir })
    try {
      await ingest(held.url, 'kantata', 'time_entry', ndjson([te('TE-U-1')]), 'batch=u-1')
      const run = runCli(['serve', '--data', dataDir, '--port', '0'], { env: { CROSSWALK_ADMIN_TOKEN: ADMIN } })
      const timeout = setTimeout(() => run.child.kill('SIGKILL'), 60_000)
      const exit = await run.exited
      clearTimeout(timeout)
      expect(exit.signal, exit.stderr).toBeNull()
      expect(exit.code).not.toBe(0)
      expect(exit.stdout).not.toMatch(/http:\/\//)
      const lines = exit.stderr.split('\n').filter((l) => l.trim() !== '')
      expect(lines, exit.stderr).toHaveLength(1)
      expect(lines[0]).toMatch(/data directory/i)
      expect(lines[0]).toMatch(/in use/i)
      expect(lines[0]).toContain(path.resolve(dataDir))
      expect(exit.stderr).not.toMatch(/^\s+at /m)
      expect(exit.stderr).not.toMatch(/Error:|node_modules/)

      // The first server still owns its data.
      const still = await ingest(held.url, 'kantata', 'time_entry', ndjson([te('TE-U-2')]), 'batch=u-2')
      expect(still.body).toMatchObject({ accepted: 1, duplicate: false })
      expect((await counts(held.url))['kantata/time_entry']).toBe(2)
    } finally {
      await held.close()
    }
  })
})
