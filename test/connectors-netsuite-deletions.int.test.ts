// NetSuite's deletion feed (CONTRACT §8 "Deletions come from the system's own deletion feed where
// it has one"): incremental pulls read SuiteQL `deletedrecord` over their window, through the
// real server and real HTTP against NetSuite imitations. Four tenants (sources) hold the same
// records, their timebill keys told apart (the current record is per kind and key): one whose
// role may read the feed, two whose role may not (400 "not found", 403), and one configured with
// `deletion_feed: false`. Each is fully pulled at 10:00; at 10:30 the same timebill is deleted in
// each; at 11:00 each pulls incrementally.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startNetSuiteImitation, type NetSuiteImitation, type NetSuiteOptions } from '../ingest/imitations/index.ts'
import { nsDateTime } from '../ingest/imitations/formats.ts'
import { parseConfig } from '../server/config/load.ts'
import { ManualClock } from '../server/lib/clock.ts'
import { useServer } from './helpers/fixture.ts'
import { connectorBlocks, counts, pull, secretsEnv, startImitations, stored, type Imitations } from './connectors-pull.support.ts'

const clock = new ManualClock('2026-06-30T10:00:00Z')
/** Timebills kept of firm-small's 5,194 (the feed, not volume, is under test). */
const TIMEBILLS = 40
type System = 'netsuite' | 'nsdenied' | 'nsforbidden' | 'nsoff'
/** Each tenant's timebill keys carry its prefix. */
const TENANTS: Record<System, { prefix: string; access?: NetSuiteOptions['deletedRecordAccess']; connector?: Record<string, unknown> }> = {
  netsuite: { prefix: '' },
  nsdenied: { prefix: 'D-', access: 'not_found' },
  nsforbidden: { prefix: 'F-', access: 'forbidden' },
  nsoff: { prefix: 'O-', connector: { deletion_feed: false } },
}
const SYSTEMS = Object.keys(TENANTS) as System[]
let im: Imitations
const ims = {} as Record<System, NetSuiteImitation>
const logged: string[] = []
const full: Record<string, any> = {}
/** Timebills by internal id: A deleted at 10:30, B and C still live (see beforeAll). */
let A: string
let B: string
let C: string

/** firm-small's timebills as served (before any deletion). */
let base: Array<Record<string, unknown> & { id: string }> = []
const key = (system: System, id: string) => TENANTS[system].prefix + String(base.find((t) => t.id === id)!.externalid)
const timeEntries = (system: System) => stored(server.db, 'time_entry', 'erp', system)
const feedNotes = (system: System) => logged.filter((l) => l.includes(`connector ${system} `) && l.includes('deletion feed unavailable'))
const feedQueries = (system: System, from = 0) => ims[system].queries.slice(from).filter((q) => /\bFROM deletedrecord\b/i.test(q))

const server = useServer(async () => {
  im = await startImitations(clock, { vendors: ['netsuite'] })
  const data = im.native.netsuite
  data.timebill.splice(TIMEBILLS)
  base = structuredClone(data.timebill)
  ims.netsuite = im.ims.netsuite as NetSuiteImitation
  for (const s of SYSTEMS.filter((x) => x !== 'netsuite')) {
    const copy = structuredClone(data)
    for (const t of copy.timebill) t.externalid = TENANTS[s].prefix + String(t.externalid)
    ims[s] = await startNetSuiteImitation({ data: copy, clock, deletedRecordAccess: TENANTS[s].access })
  }
  secretsEnv()
  const block = connectorBlocks(im.ims).netsuite
  const sources = SYSTEMS.map((s) => ({ system: s, kind: 'erp', connector: { ...block, base_url: ims[s].url, ...TENANTS[s].connector } }))
  return { clock, config: parseConfig({ sources }, 'test config'), log: (l: string) => void logged.push(l) }
})
afterAll(async () => {
  for (const s of SYSTEMS.filter((x) => x !== 'netsuite')) await ims[s]?.close()
  await im?.close()
})

describe('NetSuite deletions on incremental pulls', () => {
  beforeAll(async () => {
    for (const s of SYSTEMS) full[s] = await pull(server.url, s, 'full')
    ;[A, B, C] = base.map((t) => t.id)
    // Rows the feed must pass over. B: a deletion logged the day before the window (its id still
    // live here, so a re-report would show as B deleted). C: its id, but a project's deletion.
    const log = (im.native.netsuite.deletedrecord ??= [])
    log.push({ id: 'seed-b', recordid: B, type: 'timebill', deleteddate: nsDateTime('2026-06-29T09:00:00Z'), context: 'UI' })
    log.push({ id: 'seed-c', recordid: C, type: 'job', deleteddate: nsDateTime('2026-06-30T10:20:00Z'), context: 'UI' })
    clock.advance(30 * 60_000)
    for (const s of SYSTEMS) ims[s].deleteRecord('timebill', A) // deleted at 10:30
    clock.advance(30 * 60_000) // the incremental pulls start at 11:00
  }, 300_000)

  it('every full pull stored the timebills, A among them', async () => {
    for (const s of SYSTEMS) {
      expect(full[s], s).toMatchObject({ status: 'ok', rejected: 0, error: null })
      const te = await timeEntries(s)
      expect(te.size, s).toBe(TIMEBILLS)
      expect(te.has(key(s, A)), s).toBe(true)
    }
  })

  it('an incremental pull after a timebill is deleted tombstones it: gone from the API as of after the pull', async () => {
    const before = ims.netsuite.queries.length
    const run = await pull(server.url, 'netsuite', 'incremental')
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'ok', mode: 'incremental', rejected: 0, error: null })
    const te = await timeEntries('netsuite')
    expect(te.has(key('netsuite', A))).toBe(false)
    expect(te.size).toBe(TIMEBILLS - 1)
    // The Sources page's counts: A is there as of before the pull (observed at 11:00), gone after.
    expect((await counts(server.url, '2026-06-30T10:59:00Z'))['netsuite/time_entry']).toBe(TIMEBILLS)
    expect((await counts(server.url, '2026-06-30T11:01:00Z'))['netsuite/time_entry']).toBe(TIMEBILLS - 1)
    // The feed is read over the incremental window (cursor 10:00 less 5 min, up to the run's start).
    expect(feedQueries('netsuite', before)).toContain(
      "SELECT recordid, deleteddate FROM deletedrecord WHERE type = 'timebill' AND deleteddate >= TO_DATE('2026-06-30 09:55:00', 'YYYY-MM-DD HH24:MI:SS') AND deleteddate < TO_DATE('2026-06-30 11:00:00', 'YYYY-MM-DD HH24:MI:SS') ORDER BY recordid",
    )
    expect(run.cursor.time_entry).toEqual({ kind: 'timestamp', value: '2026-06-30T11:00:00Z' })
  })

  it('a deletion logged before the window, or of another record type, deletes nothing', async () => {
    const te = await timeEntries('netsuite')
    expect(te.has(key('netsuite', B))).toBe(true)
    expect(te.has(key('netsuite', C))).toBe(true)
  })

  it('a role refused the feed (400 "not found"): the run is ok, deletes nothing, and says so once', async () => {
    const run = await pull(server.url, 'nsdenied', 'incremental')
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'ok', rejected: 0, error: null })
    expect((await timeEntries('nsdenied')).has(key('nsdenied', A))).toBe(true)
    expect(run.cursor.time_entry).toEqual({ kind: 'timestamp', value: '2026-06-30T11:00:00Z' })
    // Asked once (by the first entity), skipped by the source's others; one note in the log.
    expect(feedQueries('nsdenied')).toHaveLength(1)
    expect(feedNotes('nsdenied')).toHaveLength(1)
    expect(feedNotes('nsdenied')[0]).toContain("Record 'deletedrecord' was not found")
    // Deletions then come from the full listing.
    clock.advance(60_000)
    expect(await pull(server.url, 'nsdenied', 'full')).toMatchObject({ status: 'ok', rejected: 0 })
    expect((await timeEntries('nsdenied')).has(key('nsdenied', A))).toBe(false)
  })

  it('a role refused the feed with a 403: the run is ok and deletes nothing', async () => {
    const run = await pull(server.url, 'nsforbidden', 'incremental')
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'ok', rejected: 0, error: null })
    expect((await timeEntries('nsforbidden')).has(key('nsforbidden', A))).toBe(true)
    expect(feedQueries('nsforbidden')).toHaveLength(1)
    expect(feedNotes('nsforbidden')).toHaveLength(1)
    expect(feedNotes('nsforbidden')[0]).toContain('HTTP 403')
  })

  it('deletion_feed: false reads no feed and deletes nothing', async () => {
    const before = ims.nsoff.queries.length
    const run = await pull(server.url, 'nsoff', 'incremental')
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'ok', rejected: 0, error: null })
    expect(ims.nsoff.queries.length).toBeGreaterThan(before) // it did read the entities
    expect(feedQueries('nsoff')).toEqual([])
    expect((await timeEntries('nsoff')).has(key('nsoff', A))).toBe(true)
    expect(feedNotes('nsoff')).toEqual([])
  })
})
