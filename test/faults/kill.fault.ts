// SIGKILL at random points (seeded; CROSSWALK_FAULT_SEED reproduces a run) during a streamed
// ingest, a multi-part full snapshot, an OTLP request, a detection run, triage actions, a settings
// save and an export. After each kill the server starts again on the same data dir and whatever
// was not acknowledged is sent again. Then nothing acknowledged is lost and nothing is doubled:
// entity counts, spans, exceptions and their histories and the settings are exact.
import { afterAll, describe, expect, it } from 'vitest'
import { ADMIN, api, ndjson, tempDir } from '../helpers/server.ts'
import { postGenerated } from '../helpers/stream-body.ts'
import { killDuring, seeded, spawnServer, type Child } from './support.ts'

const rand = seeded('kill')
const dataDir = tempDir('cw-faults-kill-')
let server: Child
afterAll(() => server?.stop())

const STREAMED = 20_000
const ACCOUNTS = 3 * 400
const SPANS = 300
const AS_OF = '2026-06-01T00:00:00Z'

async function restart() {
  server = await spawnServer(dataDir)
}

async function counts(): Promise<Record<string, number>> {
  const r = await api(server.url, '/api/v1/sources')
  const out: Record<string, number> = {}
  for (const s of r.body.items) for (const [e, c] of Object.entries<{ records: number }>(s.entities)) out[`${s.system}/${e}`] = c.records
  return out
}

const json = (method: string, body: unknown, headers: Record<string, string> = {}) => ({
  method,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
})

const accountPart = (p: number) => ndjson(Array.from({ length: ACCOUNTS / 3 }, (_, i) => ({ key: `AC-${p}-${i}`, name: `Account ${p}-${i}` })))

function otlp() {
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0')
  const spans = Array.from({ length: SPANS }, (_, i) => ({
    traceId: hex(0xfa17, 32),
    spanId: hex(i + 1, 16),
    ...(i ? { parentSpanId: hex(1, 16) } : {}),
    name: i ? `step-${i}` : 'sync-time',
    kind: 1,
    startTimeUnixNano: String(BigInt(Date.parse('2026-05-01T00:00:00Z')) * 1_000_000n + BigInt(i) * 1000n),
    endTimeUnixNano: String(BigInt(Date.parse('2026-05-01T00:00:00Z')) * 1_000_000n + BigInt(i) * 1000n + 500n),
    attributes: i ? [] : [
      { key: 'crosswalk.workflow', value: { stringValue: 'time-sync' } },
      { key: 'crosswalk.entity.type', value: { stringValue: 'time_entry' } },
      { key: 'crosswalk.entity.key', value: { stringValue: 'TE-S-000000001' } },
    ],
    status: { code: 1 },
  }))
  return { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'kantata' } }] }, scopeSpans: [{ spans }] }] }
}

/** One operation under a kill at a random point; sent again after the restart until acknowledged. */
async function underKill<T>(what: string, maxMs: number, op: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const at = rand.int(0, maxMs)
  const first = await killDuring(server, at, op, ok)
  await restart()
  console.log(`[faults] ${what}: killed at ${at} ms, ${first.acked ? 'acknowledged before' : 'not acknowledged: sent again'}`)
  if (first.acked) return first.value
  const again = await op()
  expect(ok(again), `${what} sent again: ${JSON.stringify(again)}`).toBe(true)
  return again
}

describe('SIGKILL at random points', () => {
  it('loses nothing acknowledged and doubles nothing', { timeout: 300_000 }, async () => {
    await restart()

    // A streamed ingest of 20,000 time entries (one batch, by Idempotency-Key).
    await underKill('streamed ingest', 3_000, () => postGenerated(`${server.url}/api/v1/ingest/kantata/time_entry?batch=faults-stream&observed_at=2026-05-01T00:00:00Z`, ADMIN, STREAMED), (r) => r.status === 200)
    expect((await counts())['kantata/time_entry']).toBe(STREAMED)

    // A full snapshot in three parts: each part under its own kill.
    for (let p = 0; p < 3; p++) {
      const q = `mode=full&snapshot=faults-accounts&part=${p}${p === 2 ? '&last=true' : ''}&batch=faults-accounts-${p}&observed_at=2026-05-01T00:00:00Z`
      await underKill(`snapshot part ${p}`, 600, () => api(server.url, `/api/v1/ingest/salesforce/account?${q}`, { method: 'POST', body: accountPart(p), headers: { 'content-type': 'application/x-ndjson' } }), (r) => r.status === 200)
    }
    expect((await counts())['salesforce/account']).toBe(ACCOUNTS)

    // An OTLP request of 300 spans of one trace.
    await underKill('OTLP request', 600, () => api(server.url, '/v1/traces', json('POST', otlp())), (r) => r.status === 200)
    const trace = await api(server.url, `/api/v1/transactions/${(0xfa17).toString(16).padStart(32, '0')}`)
    expect(trace.status).toBe(200)
    expect(trace.body.spans).toHaveLength(SPANS)

    // A detection run.
    const run = await underKill('detection run', 4_000, () => api(server.url, `/api/v1/detect?as_of=${AS_OF}`, { method: 'POST' }), (r) => r.status === 200)
    const detected = run.body.detected + 0
    expect(detected).toBeGreaterThan(STREAMED / 4 - 1)
    const all = await api(server.url, `/api/v1/exceptions?status=open,acknowledged,resolved&limit=1`)
    const summary = await api(server.url, '/api/v1/exceptions/summary?by=status&status=open,acknowledged,resolved')
    expect(summary.body.items.reduce((n: number, g: { count: number }) => n + g.count, 0)).toBe(detected)
    expect(all.status).toBe(200)

    // Triage: acknowledge one, resolve another (sent again they are refused, not doubled).
    const [a, b] = (await api(server.url, '/api/v1/exceptions?rule=time_entry_missing_in_erp&limit=2&sort=amount_at_risk')).body.items
    for (const [id, action] of [[a.id, { action: 'acknowledge' }], [b.id, { action: 'resolve', note: 'booked in the ERP by hand' }]] as const)
      await underKill(`triage ${action.action}`, 300, () => api(server.url, `/api/v1/exceptions/${id}/actions`, json('POST', action)), (r) => r.status === 200 || r.status === 409)
    const histA = (await api(server.url, `/api/v1/exceptions/${a.id}`)).body.history.map((e: { type: string }) => e.type)
    const histB = (await api(server.url, `/api/v1/exceptions/${b.id}`)).body.history.map((e: { type: string }) => e.type)
    expect(histA).toEqual(['opened', 'acknowledged'])
    expect(histB).toEqual(['opened', 'resolved'])

    // A second detection run as of the same time: nothing new, nothing doubled, the triage kept.
    const rerun = await underKill('detection re-run', 4_000, () => api(server.url, `/api/v1/detect?as_of=${AS_OF}`, { method: 'POST' }), (r) => r.status === 200)
    expect(rerun.body).toMatchObject({ detected, opened: 0, reopened: 0, auto_resolved: 0 })
    expect((await api(server.url, `/api/v1/exceptions/${a.id}`)).body.history.map((e: { type: string }) => e.type)).toEqual(histA)
    expect((await api(server.url, `/api/v1/exceptions/${b.id}`)).body.history.map((e: { type: string }) => e.type)).toEqual(histB)
    const after = await api(server.url, '/api/v1/exceptions/summary?by=status&status=open,acknowledged,resolved')
    expect(after.body.items.reduce((n: number, g: { count: number }) => n + g.count, 0)).toBe(detected)

    // A settings save (optimistic: sent again over its own landed version, it is refused).
    const before = (await api(server.url, '/api/v1/settings')).body
    const change = { sla_hours: { critical: 2, high: 12, medium: 48, low: 120 } }
    const saved = await underKill('settings save', 300, () => api(server.url, '/api/v1/settings', json('PUT', change, before.version ? { 'if-match': before.version } : {})), (r) => r.status === 200 || r.status === 409)
    const now = (await api(server.url, '/api/v1/settings')).body
    expect(now.sla_hours).toMatchObject(change.sla_hours)
    if (saved.status === 200) expect(now.version).toBe(saved.body.version)

    // An export cut short: the one after the restart is whole and equal to one taken before.
    const exportPath = `/api/v1/exports/exceptions.csv?status=open,acknowledged,resolved`
    const whole = await api(server.url, exportPath)
    expect(whole.status).toBe(200)
    await underKill('export', 200, () => api(server.url, exportPath), (r) => r.status === 200)
    expect((await api(server.url, exportPath)).body).toBe(whole.body)

    // Everything acknowledged is still exact after all of it.
    expect(await counts()).toMatchObject({ 'kantata/time_entry': STREAMED, 'salesforce/account': ACCOUNTS })
    expect((await api(server.url, `/api/v1/transactions/${(0xfa17).toString(16).padStart(32, '0')}`)).body.spans).toHaveLength(SPANS)
  })
})
