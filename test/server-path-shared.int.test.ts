// Two Crosswalk servers on one ClickHouse (CLICKHOUSE_URL), each with a local data dir of its
// own, as behind a load balancer (docs/deploy.md): what one stores, the other serves. Nothing a
// request needs may live on one server's disk or in its memory alone.
// It starts its own ClickHouse HTTP test server, so it runs the same in both passes of `npm test`
// (and only in the first: see vite.config.ts).
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../server/db/query.ts'
import { createUser, json, signIn } from './helpers/access.ts'
import { expectExpectedExceptions } from './helpers/expected.ts'
import { ingestFirm, plan } from './helpers/firm.ts'
import { ADMIN, api, ingest, ndjson, startServer, tempDir } from './helpers/server.ts'
import { startClickHouseHttp, type ClickHouseHttp } from './support/clickhouse-http.ts'

type Server = Awaited<ReturnType<typeof startServer>>
let ch: ClickHouseHttp
let a: Server
let b: Server

beforeAll(async () => {
  ch = await startClickHouseHttp({ dataDir: tempDir('cw-chshared-') })
  // One after the other: each applies what migrations the other has not (the second finds all done).
  a = await startServer({ dataDir: tempDir(), clickhouse: { url: ch.url } })
  b = await startServer({ dataDir: tempDir(), clickhouse: { url: ch.url } })
})
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()])
  await ch?.stop()
})

describe('two Crosswalk servers on one ClickHouse', () => {
  it('use different local data dirs and the same engine', () => {
    expect(a.dataDir).not.toBe(b.dataDir)
    expect([a.db.engine, b.db.engine]).toEqual(['clickhouse', 'clickhouse'])
  })

  it('run detection one after another, many times, on either server', { timeout: 120_000 }, async () => {
    // Each run takes and gives back the shared detection lease (two versions a run): past the
    // ninth version the newest must still be found, or every later run waits forever.
    const ids: string[] = []
    for (let i = 0; i < 7; i++) {
      const r = await api((i % 2 ? b : a).url, '/api/v1/detect?as_of=2026-01-01T00:00:00Z', { method: 'POST' })
      expect(r.status, JSON.stringify(r.body)).toBe(200)
      ids.push(r.body.run_id)
    }
    expect(new Set(ids).size).toBe(7)
  })

  it('settings saved on one are what the other shows and applies', async () => {
    const routing = [{ match: { rule: 'time_entry_hours_mismatch' }, owner: 'shared-finance' }]
    const put = await api(a.url, '/api/v1/settings', json({ routing }, 'PUT'))
    expect(put.status, JSON.stringify(put.body)).toBe(200)
    const seen = await api(b.url, '/api/v1/settings')
    expect(seen.body.routing).toEqual(routing)
    expect(seen.body.version).toBe(put.body.version)
    // Versions are kept in the engine: a save on one over what the other saved since is stale.
    const etag = `"${seen.body.version}"`
    expect((await api(b.url, '/api/v1/settings', json({ routing: [] }, 'PUT', { 'if-match': etag }))).status).toBe(200)
    expect((await api(a.url, '/api/v1/settings', json({ routing }, 'PUT', { 'if-match': etag }))).status).toBe(409)
    expect((await api(a.url, '/api/v1/settings')).body.routing).toEqual([])
  })

  it('a user made on one signs in on the other, and its session works on both until signed out', async () => {
    const user = await createUser(a.url, 'ops', 'shared-ops@firm.example')
    const session = await signIn(b.url, user.email, user.password)
    const me = (base: string) => api(base, '/api/v1/auth/me', { headers: { cookie: session.cookie }, token: null })
    expect((await me(a.url)).body).toMatchObject({ user: { email: user.email, role: 'ops' }, via: 'session' })
    expect((await me(b.url)).status).toBe(200)
    const out = await api(a.url, '/api/v1/auth/logout', { method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, token: null })
    expect(out.status).toBeLessThan(300)
    expect((await me(b.url)).status).toBe(401)
  })

  it('spans posted to one are read from the other', async () => {
    const traceId = crypto.randomBytes(16).toString('hex')
    const key = `SHARED-${traceId.slice(0, 8)}`
    const str = (v: string) => ({ stringValue: v })
    const t0 = 1_800_000_000n * 1_000_000_000n // 2027-01-15, after the firm's as_of
    const spans = [0, 1, 2].map((i) => ({
      traceId, spanId: crypto.randomBytes(8).toString('hex'), name: `step-${i}`, kind: 2,
      startTimeUnixNano: String(t0 + BigInt(i) * 1_000_000_000n), endTimeUnixNano: String(t0 + BigInt(i + 1) * 1_000_000_000n),
      attributes: [{ key: 'crosswalk.workflow', value: str('shared') }, { key: 'crosswalk.entity.type', value: str('project') }, { key: 'crosswalk.entity.key', value: str(key) }],
    }))
    const body = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: str('boomi') }] }, scopeSpans: [{ scope: { name: 't' }, spans }] }] }
    const posted = await fetch(`${a.url}/v1/traces`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` } })
    expect(posted.status).toBe(200)
    const t = await api(b.url, `/api/v1/transactions/${traceId}`)
    expect(t.status).toBe(200)
    expect(JSON.stringify(t.body)).toContain(key)
    const listed = await api(b.url, `/api/v1/transactions?entity_key=${key}`)
    expect(listed.body.items.map((x: { trace_id: string }) => x.trace_id)).toEqual([traceId])
  })

  it('two detection runs asked of both at once give one run’s exceptions, each opened once, routed as saved on either', async () => {
    await ingestFirm(a.url)
    const routing = [{ match: { rule: 'time_entry_hours_mismatch' }, owner: 'shared-finance' }]
    expect((await api(a.url, '/api/v1/settings', json({ routing }, 'PUT'))).status).toBe(200)
    const detect = (s: Server) => api(s.url, `/api/v1/detect?as_of=${encodeURIComponent(plan.as_of)}`, { method: 'POST' })
    const runs = await Promise.all([detect(a), detect(b)])
    // Each is run, or told another run is under way; none fails.
    for (const r of runs) expect([200, 409], JSON.stringify(r.body)).toContain(r.status)
    expect(runs.some((r) => r.status === 200)).toBe(true)
    // transaction_failed needs the firm's traces, which are not sent here (spans: the test above).
    await expectExpectedExceptions(b.url, ['transaction_failed'])
    await expectExpectedExceptions(a.url, ['transaction_failed'])
    const owners = (await api(b.url, '/api/v1/exceptions?rule=time_entry_hours_mismatch&limit=100')).body.items.map((e: { owner: string }) => e.owner)
    expect(owners.length).toBeGreaterThan(0)
    expect(new Set(owners)).toEqual(new Set(['shared-finance']))
    const doubled = await queryRows<{ exception_id: string; n: string }>(
      a.db,
      'test.opened_twice',
      "SELECT exception_id, count() AS n FROM exception_events WHERE type = 'opened' GROUP BY exception_id HAVING n > 1 LIMIT 5",
    )
    expect(doubled).toEqual([])
    // Between them the runs opened each exception once: the second found the first's done. (The
    // runs of the first test, on no data, opened some of their own: only these two count here.)
    const ids = runs.filter((r) => r.status === 200).map((r) => String(r.body.run_id))
    const [{ n }] = await queryRows<{ n: string }>(a.db, 'test.opened', "SELECT count() AS n FROM exception_events WHERE type = 'opened' AND run_id IN {ids:Array(String)}", { ids })
    const opened = runs.filter((r) => r.status === 200).reduce((sum, r) => sum + Number(r.body.opened), 0)
    expect(opened).toBe(Number(n))
  })

  it('what one ingests, the other counts at once: no answer cached on one outlives a write on the other', async () => {
    const counts = async (s: Server) => {
      const r = await api(s.url, '/api/v1/sources')
      expect(r.status).toBe(200)
      return Object.fromEntries(r.body.items.flatMap((x: any) => Object.entries<any>(x.entities).map(([e, c]) => [`${x.system}/${e}`, c.records])))
    }
    const before = (await counts(b))['kantata/time_entry']
    expect(before).toBeGreaterThan(0)
    expect((await counts(b))['kantata/time_entry']).toBe(before) // asked twice: cached, were it cached
    const entry = { key: 'SHARED-TE-1', resource_key: 'E1', project_key: 'P1', work_date: '2027-01-15', hours: 1, billable: true, status: 'approved' }
    const r = await ingest(a.url, 'kantata', 'time_entry', ndjson([entry]))
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect((await counts(b))['kantata/time_entry']).toBe(before + 1)
  })
})
