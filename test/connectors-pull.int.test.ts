// The server-side pull end to end (CONTRACT §8): firm-small served by the imitations of its four
// systems (Salesforce crm, NetSuite erp, Kantata psa, Workday hr), pulled by the connectors
// through the real server and real HTTP, then detected at the firm's as_of: exactly the KPIs and
// exceptions of expected.json. Then what the runs record, and an incremental pull after a change.
//
// History: the firm's plan observed Workday at 2026-06-29T06:00 and everything else by
// 2026-06-30T10:00 (with older full listings and deltas in between that the newer ones replace).
// A pull's observed_at is its start time, so Workday is pulled with the server's clock at
// 2026-06-29T06:00 and the rest at 2026-06-30T10:00: `source_stale` (the only data rule that
// depends on when a source was observed) then comes out exactly as in expected.json. The older
// batches' records that later full listings replaced (Kantata's 06-28 time entries, NetSuite's
// late 06-29 delta) are in no system any more, so no pull brings them back; at as_of they are
// deleted in the fixture's history too, so no rule or KPI sees them. NetSuite's 06-30T11:00 delta
// is pulled at 10:00 (observed earlier than in the fixture, still before as_of): same records.
// Every KPI and every data rule's exceptions are compared exactly. Not compared:
// `transaction_failed`, whose exceptions come from the firm's traces (traces.json), which are
// spans sent to /v1/traces, not records a connector pulls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../server/lib/clock.ts'
import { useServer } from './helpers/fixture.ts'
import { expected, plan } from './helpers/firm.ts'
import { api } from './helpers/server.ts'
import { expectExpectedExceptions, expectExpectedKpis } from './helpers/expected.ts'
import { withOffset } from '../ingest/imitations/formats.ts'
import { counts, firmCounts, pull, pullConfig, SECRETS, startImitations, stored, versions, type Imitations } from './connectors-pull.support.ts'


const clock = new ManualClock('2026-06-29T06:00:00Z')
let im: Imitations
const runs: Record<string, any> = {}

describe('firm-small pulled from the imitations of its systems', () => {
  const server = useServer(async () => {
    im = await startImitations(clock)
    return { clock, config: pullConfig(im.ims) }
  })
  afterAll(() => im?.close())

  beforeAll(async () => {
    runs.workday = await pull(server.url, 'workday', 'full')
    clock.advance(Date.parse('2026-06-30T10:00:00Z') - clock.now().getTime())
    for (const s of ['salesforce', 'netsuite', 'kantata']) runs[s] = await pull(server.url, s, 'full')
  }, 300_000) // ~60 batches through the ingest pipeline: 20–30 s on an idle machine, far more on a busy one

  it('every run ends ok, with no rejected record', () => {
    for (const [s, r] of Object.entries(runs)) {
      expect(r, s).toMatchObject({ status: 'ok', mode: 'full', error: null, rejected: 0 })
      expect(r.pages, s).toBeGreaterThan(0)
    }
  })

  it('stores exactly the firm’s records per system and entity', async () => {
    expect(await counts(server.url, plan.as_of)).toEqual(firmCounts())
  })

  it('detects exactly the exceptions of expected.json', async () => {
    const r = await api(server.url, `/api/v1/detect?as_of=${plan.as_of}`, { method: 'POST' })
    expect(r.status).toBe(200)
    // transaction_failed: from traces, not from records: the firm's traces are not pulled.
    await expectExpectedExceptions(server.url, ['transaction_failed'])
  })

  it('computes every KPI of expected.json', async () => {
    await expectExpectedKpis(server.url)
  })

  it('records each run: status, pages, records, rejected and the cursor per entity', async () => {
    const r = await api(server.url, '/api/v1/sources/kantata/runs')
    expect(r.status).toBe(200)
    expect(r.body.items).toHaveLength(1)
    const run = r.body.items[0]
    expect(run).toEqual(runs.kantata)
    expect(run).toMatchObject({ mode: 'full', status: 'ok', started_at: '2026-06-30T10:00:00.000Z', error: null })
    expect(run.records).toBe(Object.values(firmCounts(['kantata'])).reduce((a, b) => a + b, 0))
    expect(Object.keys(run.cursor).sort()).toEqual(['assignment', 'expense', 'project', 'resource', 'time_entry'])
    for (const c of Object.values<any>(run.cursor)) expect(c).toBeTruthy()
    expect(Date.parse(run.ended_at)).toBeGreaterThanOrEqual(Date.parse(run.started_at))
    // NetSuite also reads its employees (lookup only, never sent): they count as pages, not records.
    const ns = runs.netsuite
    expect(ns.records).toBe(Object.values(firmCounts(['netsuite'])).reduce((a, b) => a + b, 0))
    expect(Object.keys(ns.cursor)).toContain('time_entry')
  })

  it('shows each connector and its last run on the Sources list; no secret anywhere', async () => {
    const r = await api(server.url, '/api/v1/sources')
    expect(r.status).toBe(200)
    const wd = r.body.items.find((s: any) => s.system === 'workday')
    expect(wd.connector).toMatchObject({ type: 'workday', every: null, full_every: null, next_run_at: null, next_mode: null })
    expect(wd.connector.last_run).toMatchObject({ run_id: runs.workday.run_id, status: 'ok', mode: 'full' })
    for (const s of r.body.items) expect(s.connector?.last_run?.status, s.system).toBe('ok')
    const text = JSON.stringify(r.body) + JSON.stringify((await api(server.url, '/api/v1/sources/netsuite/runs')).body)
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret)
  })

  it('makes each pull a `collect` transaction of its system, one span per page', async () => {
    const r = await api(server.url, '/api/v1/transactions?workflow=collect&limit=50')
    expect(r.status).toBe(200)
    const t = r.body.items.find((x: any) => x.trace_id === runs.kantata.run_id.replace(/-/g, ''))
    expect(t).toMatchObject({ workflow: 'collect', status: 'ok', systems: ['kantata'] })
    expect(r.body.items.filter((x: any) => x.workflow === 'collect')).toHaveLength(4)
    const one = await api(server.url, `/api/v1/transactions/${t.trace_id}`)
    expect(one.status).toBe(200)
    expect(one.body.spans.length).toBe(runs.kantata.pages + 1)
  })

  it('an incremental pull after one record changes re-sends only that change; an unchanged re-read is a duplicate', async () => {
    clock.advance(3_600_000)
    const before = await counts(server.url)
    const versionsBefore = await versions(server.db, 'time_entry', 'kantata')
    // One Kantata time entry changes: 7.25 h, modified a minute ago.
    const te = im.native.kantata.time_entries[0]
    const key = im.native.kantata.custom_field_values.find((c) => c.subject_type === 'TimeEntry' && c.subject_id === te.id && c.custom_field_name === 'crosswalk_key')!.value
    expect(Number((await stored(server.db, 'time_entry', 'psa', 'kantata')).get(String(key))!.hours)).not.toBe(7.25)
    Object.assign(te, { time_in_minutes: 435, updated_at: withOffset(new Date(clock.now().getTime() - 60_000).toISOString(), -480) })
    const run = await pull(server.url, 'kantata', 'incremental')
    expect(run).toMatchObject({ status: 'ok', mode: 'incremental', rejected: 0, records: 1 })
    expect(Number((await stored(server.db, 'time_entry', 'psa', 'kantata')).get(String(key))!.hours)).toBe(7.25)
    expect(await versions(server.db, 'time_entry', 'kantata')).toBe(versionsBefore + 1)
    expect(await counts(server.url)).toEqual(before)
    // Nothing changed since: the overlap re-reads that record, its page is a duplicate, nothing is stored twice.
    clock.advance(60_000)
    const again = await pull(server.url, 'kantata', 'incremental')
    expect(again).toMatchObject({ status: 'ok', records: 0, rejected: 0 })
    expect(await versions(server.db, 'time_entry', 'kantata')).toBe(versionsBefore + 1)
    expect(await counts(server.url)).toEqual(before)
  })
})
