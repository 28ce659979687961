// A pull cut short by a crash (CONTRACT §8): the server runs in a child process and pulls
// Kantata (firm-small's psa) from its imitation; the imitation never answers one page of time
// entries, so the pull stands still with the pages before it committed; the server is killed
// (SIGKILL) there and started again on the same data dir. The run shows failed with a sentence,
// a rerun completes, the pages read again are duplicates, and every record is stored exactly once.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import type { Fault } from '../ingest/imitations/index.ts'
import { systemClock } from '../server/lib/clock.ts'
import { parseConfig } from '../server/config/load.ts'
import { ADMIN, api, startServer, tempDir } from './helpers/server.ts'
import { counts, firmCounts, kantataOnlyConfig, pull, secretsEnv, SECRETS, startImitations, startPull, versions, type Imitations } from './connectors-pull.support.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const CLI = path.join(ROOT, 'server/cli/crosswalk.mjs')
const HANG_AT = 5 // the 5th page of time entries is never answered
const TIME_ENTRIES = 1_500 // of the firm's, so the pull has 8 pages of time entries (and the test is quick)

let im: Imitations
afterAll(() => im?.close())

const kantataConfig = () => kantataOnlyConfig(im.ims)

describe('a pull cut short by a crash', () => {
  it('shows the run failed after a restart; a rerun completes with every record stored once', { timeout: 240_000 }, async () => {
    const faults: Fault[] = [{ request: HANG_AT, path: '/api/v1/time_entries', type: 'hang' }]
    im = await startImitations(systemClock, { faults: { kantata: faults }, vendors: ['kantata'] })
    im.native.kantata.time_entries.splice(TIME_ENTRIES)
    const want: Record<string, number> = { ...firmCounts(['kantata']), 'kantata/time_entry': TIME_ENTRIES }
    const dataDir = tempDir()
    const configFile = path.join(dataDir, '..', `cw-pull-crash-${process.pid}.json`)
    fs.writeFileSync(configFile, JSON.stringify(kantataConfig()))

    const child = spawn(process.execPath, [CLI, 'serve', '--data', dataDir, '--port', '0', '--config', configFile], {
      cwd: ROOT,
      env: { ...process.env, ...SECRETS, CROSSWALK_ADMIN_TOKEN: ADMIN, CROSSWALK_DETECT_INTERVAL: '0', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    let crashed: any
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', () => {
          const m = /Crosswalk .*?(http:\/\/\S+)/.exec(stdout)
          if (m) resolve(m[1])
        })
        void exited.then(() => reject(new Error(`the server exited; stderr: ${stderr}`)))
      })
      const runId = await startPull(url, 'kantata', 'incremental')
      // Wait until the imitation holds the hung request: the runner asks for a page only once
      // the one before is committed and saved, so the run stands still here.
      while (!im.ims.kantata.stats.faultsFired.length) await new Promise((res) => setTimeout(res, 20))
      crashed = (await api(url, `/api/v1/sources/kantata/runs/${runId}`)).body
      expect(crashed).toMatchObject({ status: 'running', run_id: runId })
      expect(crashed.pages).toBeGreaterThanOrEqual(3 + HANG_AT - 2)
    } finally {
      child.kill('SIGKILL')
    }
    expect(await exited).toBe('SIGKILL')
    for (const secret of Object.values(SECRETS)) expect(stdout + stderr).not.toContain(secret)

    // Started again on the same data dir (in this process now), same config and imitation.
    secretsEnv()
    const server = await startServer({ dataDir, config: parseConfig(kantataConfig(), 'test config') })
    try {
      const [failed] = (await api(server.url, '/api/v1/sources/kantata/runs')).body.items
      expect(failed).toMatchObject({ run_id: crashed.run_id, status: 'failed', mode: 'incremental' })
      expect(failed.error).toMatch(/^The server stopped during this run; .+\.$/)
      // What the killed run committed, all of it kept: resources, projects and assignments (one
      // page each), then whole pages of 200 time entries. (Usually HANG_AT − 1 of them; one fewer
      // if a request was retried, since the fault counts requests, not pages.)
      expect(failed).toMatchObject({ pages: crashed.pages, records: crashed.records })
      const partial = await counts(server.url)
      expect(partial).toMatchObject({ 'kantata/resource': want['kantata/resource'], 'kantata/project': want['kantata/project'], 'kantata/assignment': want['kantata/assignment'] })
      expect(partial['kantata/time_entry']).toBe((crashed.pages - 3) * 200)
      expect(crashed.records).toBe(want['kantata/resource'] + want['kantata/project'] + want['kantata/assignment'] + partial['kantata/time_entry'])
      const t = await api(server.url, `/api/v1/transactions/${failed.run_id.replace(/-/g, '')}`)
      expect(t.body).toMatchObject({ workflow: 'collect', status: 'failed' })

      const rerun = await pull(server.url, 'kantata', 'incremental')
      expect(rerun).toMatchObject({ status: 'ok', error: null, rejected: 0 })
      expect(await counts(server.url)).toEqual(want)
      // Each record stored once: the pages read again were duplicates, not doubles.
      for (const [se, n] of Object.entries(want)) expect(await versions(server.db, se.split('/')[1], 'kantata'), se).toBe(n)
      const total = Object.values(want).reduce((a, b) => a + b, 0)
      expect(failed.records + rerun.records).toBe(total)
    } finally {
      await server.close()
      fs.rmSync(configFile, { force: true })
    }
  })
})
