// SIGKILL at a random point (seeded) of a connector pull: the server pulls Kantata (firm-small's
// psa, from its imitation) in a child process and is killed mid-run, then started again on the
// same data dir. The cut run shows failed, a second pull completes, and every record is stored
// exactly once: the pages read again are duplicates, not doubles.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { systemClock } from '../../server/lib/clock.ts'
import { api, tempDir } from '../helpers/server.ts'
import { counts, firmCounts, pull, rawConfig, SECRETS, startImitations, startPull, type Imitations } from '../connectors-pull.support.ts'
import { seeded, spawnServer, type Child } from './support.ts'

const rand = seeded('pull')
const TIME_ENTRIES = 1_500
let im: Imitations
let server: Child | undefined
afterAll(async () => {
  await server?.stop()
  await im?.close()
})

describe('SIGKILL during a connector pull', () => {
  it('keeps what the cut run committed, and a rerun stores every record once', { timeout: 300_000 }, async () => {
    im = await startImitations(systemClock, { vendors: ['kantata'] })
    im.native.kantata.time_entries.splice(TIME_ENTRIES)
    const want: Record<string, number> = { ...firmCounts(['kantata']), 'kantata/time_entry': TIME_ENTRIES }
    const raw = rawConfig(im.ims) as { sources: Array<Record<string, any>> }
    const kantata = raw.sources.find((s) => s.system === 'kantata')!
    kantata.connector.batch_records = 200 // a batch a page: the run commits as it goes
    const dataDir = tempDir('cw-faults-pull-')
    const configFile = path.join(dataDir, '..', `cw-faults-pull-${process.pid}.json`)
    fs.writeFileSync(configFile, JSON.stringify({ sources: [kantata] }))
    const start = () => spawnServer(dataDir, SECRETS, ['--config', configFile])
    try {
      server = await start()
      const runId = await startPull(server.url, 'kantata', 'incremental')
      const at = rand.int(0, 1500)
      await new Promise((r) => setTimeout(r, at)) // the kill point itself, not a wait for something
      await server.kill()
      server = await start()
      const cut = (await api(server.url, `/api/v1/sources/kantata/runs/${runId}`)).body
      console.log(`[faults] pull: killed at ${at} ms; the run was ${cut.status} with ${cut.records} records`)
      expect(['failed', 'ok']).toContain(cut.status)
      if (cut.status === 'failed') expect(cut.error).toMatch(/^The server stopped during this run; .+\.$/)
      const partial = await counts(server.url)
      for (const [k, n] of Object.entries(partial)) expect(n, k).toBeLessThanOrEqual(want[k] ?? 0)
      const rerun = await pull(server.url, 'kantata', 'incremental')
      expect(rerun).toMatchObject({ status: 'ok', error: null, rejected: 0 })
      expect(await counts(server.url)).toEqual(want)
      // Pulled once more: nothing new, nothing doubled.
      await pull(server.url, 'kantata', 'incremental')
      expect(await counts(server.url)).toEqual(want)
    } finally {
      fs.rmSync(configFile, { force: true })
    }
  })
})
