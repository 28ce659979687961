// Two Crosswalk servers on one ClickHouse pull a source one at a time (#18: a starting server
// used to mark the other's running pull failed). Server A runs in a child process and pulls
// Kantata from its imitation, which never answers one page, so A's run stands still holding the
// source's lease. Server B (this process, on a clock the test moves) starts, is asked to pull,
// and ticks: it leaves A's run alone and answers it. A is killed; once A's lease has expired on
// B's clock, B marks the run failed and its own pull stores every record exactly once.
// It starts its own ClickHouse HTTP test server, so it runs in the first pass only (vite.config.ts).
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import type { Fault } from '../ingest/imitations/index.ts'
import { ManualClock, systemClock } from '../server/lib/clock.ts'
import { parseConfig } from '../server/config/load.ts'
import { ADMIN, api, startServer, tempDir } from './helpers/server.ts'
import { counts, firmCounts, kantataOnlyConfig, pull, secretsEnv, SECRETS, startImitations, startPull, versions, type Imitations } from './connectors-pull.support.ts'
import { startClickHouseHttp, type ClickHouseHttp } from './support/clickhouse-http.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const CLI = path.join(ROOT, 'server/cli/crosswalk.mjs')
const HANG_AT = 4
const TIME_ENTRIES = 1_000
const DATABASE = 'cw_lease'

let im: Imitations
let ch: ClickHouseHttp
afterAll(async () => {
  im?.close()
  await ch?.stop()
})

const kantataConfig = () => kantataOnlyConfig(im.ims)

async function startChild(configFile: string) {
  const child = spawn(process.execPath, [CLI, 'serve', '--data', tempDir(), '--port', '0', '--config', configFile], {
    cwd: ROOT,
    env: { ...process.env, ...SECRETS, CROSSWALK_ADMIN_TOKEN: ADMIN, CROSSWALK_DETECT_INTERVAL: '0', NODE_OPTIONS: '', CLICKHOUSE_URL: ch.url, CLICKHOUSE_DATABASE: DATABASE },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)))
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /Crosswalk .*?(http:\/\/\S+)/.exec(out)
      if (m) resolve(m[1])
    })
    void exited.then(() => reject(new Error(`server A exited: ${out}`)))
  })
  return { child, url, exited }
}

describe('connector pulls across two servers on one ClickHouse', () => {
  it('a second server neither fails nor repeats a pull the first is running; it takes over once the first is gone', { timeout: 300_000 }, async () => {
    const faults: Fault[] = [{ request: HANG_AT, path: '/api/v1/time_entries', type: 'hang' }]
    im = await startImitations(systemClock, { faults: { kantata: faults }, vendors: ['kantata'] })
    im.native.kantata.time_entries.splice(TIME_ENTRIES)
    const want: Record<string, number> = { ...firmCounts(['kantata']), 'kantata/time_entry': TIME_ENTRIES }
    ch = await startClickHouseHttp({ dataDir: tempDir('cw-chlease-') })
    expect((await fetch(ch.url, { method: 'POST', body: `CREATE DATABASE IF NOT EXISTS ${DATABASE}` })).ok).toBe(true)
    const configFile = path.join(tempDir(), `cw-lease-${process.pid}.json`)
    fs.writeFileSync(configFile, JSON.stringify(kantataConfig()))

    const a = await startChild(configFile)
    let b: Awaited<ReturnType<typeof startServer>> | undefined
    try {
      const runId = await startPull(a.url, 'kantata', 'incremental')
      while (!im.ims.kantata.stats.faultsFired.length) await new Promise((res) => setTimeout(res, 20))

      secretsEnv()
      const clock = new ManualClock(new Date())
      b = await startServer({ dataDir: tempDir(), clickhouse: { url: ch.url, database: DATABASE }, config: parseConfig(kantataConfig(), 'test config'), clock })
      const runs = async () => (await api(b!.url, '/api/v1/sources/kantata/runs')).body.items
      // B started and ticked while A pulls: A's run is still running, and asked to pull, B answers it.
      await b.services.connectors!.tick()
      expect(await runs()).toEqual([expect.objectContaining({ run_id: runId, status: 'running' })])
      expect(await startPull(b.url, 'kantata', 'incremental')).toBe(runId)
      expect(await runs()).toHaveLength(1)

      a.child.kill('SIGKILL')
      expect(await a.exited).toBe('SIGKILL')
      // Within the lease's life B still waits for A (it cannot tell a stalled server from a dead one) ...
      await b.services.connectors!.tick()
      expect((await runs())[0]).toMatchObject({ run_id: runId, status: 'running' })
      // ... and after it, takes over: A's run fails with a sentence, and B's pull completes.
      clock.advance(61_000)
      await b.services.connectors!.tick()
      const [failed] = await runs()
      expect(failed).toMatchObject({ run_id: runId, status: 'failed' })
      expect(failed.error).toMatch(/^The server stopped during this run; .+\.$/)
      const rerun = await pull(b.url, 'kantata', 'incremental')
      expect(rerun).toMatchObject({ status: 'ok', error: null, rejected: 0 })
      expect(await counts(b.url)).toEqual(want)
      for (const [se, n] of Object.entries(want)) expect(await versions(b.db, se.split('/')[1], 'kantata'), se).toBe(n)
    } finally {
      if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL')
      await b?.close()
    }
  })
})
