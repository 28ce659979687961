// Scheduled pulls (CONTRACT §8 `every`, `full_every`): on a manual clock, the first tick starts a
// full listing, the Sources list shows when the next pull is due and of which mode, and a tick
// once `every` has passed starts the next pull: an incremental one, or a full listing for a type
// with no cursor (Workday, the source here), which says so in its mode.
import { afterAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../server/lib/clock.ts'
import { parseConfig } from '../server/config/load.ts'
import { redactConnector } from '../server/connectors/config.ts'
import { useServer } from './helpers/fixture.ts'
import { api } from './helpers/server.ts'
import { connectorBlocks, counts, FIRM, secretsEnv, startImitations, waitRun, type Imitations } from './connectors-pull.support.ts'

const clock = new ManualClock('2026-06-30T10:00:00Z')
let im: Imitations

describe('scheduled pulls', () => {
  const server = useServer(async () => {
    im = await startImitations(clock, { vendors: ['workday'] })
    secretsEnv()
    const config = parseConfig({ sources: [{ system: 'workday', kind: 'hr', connector: { ...connectorBlocks(im.ims).workday, every: '15m', full_every: '24h' } }] }, 'test config')
    return { clock, config }
  })
  afterAll(() => im?.close())

  // The server also ticks every 15 s of real time: a pull that tick started first is the same pull.
  const tick = async () => (await server.services.connectors!.tick())[0] ?? (await api(server.url, '/api/v1/sources/workday/runs')).body.items[0]
  const connector = async () => (await api(server.url, '/api/v1/sources')).body.items.find((s: any) => s.system === 'workday').connector

  it('starts a full listing at start, then shows the next pull due', async () => {
    const [first] = (await api(server.url, '/api/v1/sources/workday/runs')).body.items
    expect(first).toMatchObject({ mode: 'full', trigger: 'schedule', started_at: '2026-06-30T10:00:00.000Z' })
    expect(await waitRun(server.url, 'workday', first.run_id)).toMatchObject({ status: 'ok', records: FIRM.records.workday.resource.length })
    expect((await counts(server.url))['workday/resource']).toBe(FIRM.records.workday.resource.length)
    expect(await connector()).toMatchObject({ type: 'workday', every: '15m', full_every: '24h', next_run_at: '2026-06-30T10:15:00.000Z', next_mode: 'full' })
    // Not due yet: a tick starts nothing.
    expect(await server.services.connectors!.tick()).toEqual([])
  })

  it('starts a pull once `every` has passed (for a report, a full listing), and a full one once `full_every` has', async () => {
    clock.advance(15 * 60_000)
    const inc = await tick()
    // A report has no cursor: the pull `every` asks for is a complete listing, and says so.
    expect(inc).toMatchObject({ mode: 'full', trigger: 'schedule' })
    expect(await waitRun(server.url, 'workday', inc.run_id)).toMatchObject({ status: 'ok' })
    expect((await connector()).next_run_at).toBe(new Date(Date.parse(inc.started_at) + 15 * 60_000).toISOString())
    clock.advance(24 * 3_600_000)
    const full = await tick()
    expect(full).toMatchObject({ mode: 'full', trigger: 'schedule' })
    expect(await waitRun(server.url, 'workday', full.run_id)).toMatchObject({ status: 'ok' })
    expect((await api(server.url, '/api/v1/sources/workday/runs')).body.items.map((r: any) => r.mode)).toEqual(['full', 'full', 'full'])
  })
})

describe('connector secrets at start', () => {
  it('a missing ${ENV} secret stops the start with a sentence naming the variable', () => {
    const raw = { sources: [{ system: 'workday', kind: 'hr', connector: { type: 'workday', report_url: 'https://wd.example/ccx/report', auth: { type: 'basic', username: 'u', password: '${CWT_NOT_SET_ANYWHERE}' } } }] }
    expect(() => parseConfig(raw, 'crosswalk.yaml', {})).toThrow(/crosswalk\.yaml: sources\[0\]\.connector\.auth\.password refers to the environment variable CWT_NOT_SET_ANYWHERE, which is not set\.$/)
    // Set: resolved in memory, and shown as *** wherever the connector is shown.
    const c = parseConfig(raw, 'crosswalk.yaml', { CWT_NOT_SET_ANYWHERE: 'pw-123456' }).sources[0].connector!
    expect(c.auth).toMatchObject({ password: 'pw-123456' })
    expect(redactConnector(c).auth).toMatchObject({ password: '***', username: 'u' })
  })
})
