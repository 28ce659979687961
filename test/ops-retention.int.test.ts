// Retention (issue 18 item 4), as of a ManualClock: spans older than 90 days go by whole days;
// entity versions superseded before the last N months go, but never the version current at the
// cutoff, a later one, or any version of a record an open exception is about; delivered
// notifications (none about an open exception); dead letters; the audit log only when the
// config says so. The job runs when the clock says it is due. Health's disk use per part too.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'
import { queryRows } from '../server/db/query.ts'
import { ManualClock } from '../server/lib/clock.ts'
import { RetentionJob, monthsBefore, runRetention } from '../server/ops/retention.ts'
import { diskUsage } from '../server/ops/disk.ts'
import { settleSpans } from '../server/traces/store.ts'
import { api, ingest, ndjson, startServer } from './helpers/server.ts'

const NOW = '2026-07-01T00:00:00Z'
const retention = { spans: '90d', entity_versions_months: 3, notifications: '30d', dead_letters: '60d', audit: 'keep', every_hours: 24 }
const config = parseConfig({ sources: DEMO_SOURCES, retention })
const hex = (n: number) => crypto.randomBytes(n).toString('hex')
const ns = (iso: string) => String(BigInt(Date.parse(iso)) * 1_000_000n)

// An account: no rule is about accounts, so no open exception keeps its versions.
const account = (name: string) => ({ key: 'A1', name, status: 'active' })
const deal = (won: boolean) => ({
  key: 'O1', account_key: 'A1', name: 'Deal', stage: won ? 'Closed Won' : 'Negotiation', amount: 1000, currency: 'USD',
  close_date: '2026-02-05', is_won: won, is_closed: won, ...(won ? { won_at: '2026-02-05T00:00:00Z' } : {}),
})
const span = (at: string) => ({ traceId: hex(16), spanId: hex(8), name: 'sync', kind: 2, startTimeUnixNano: ns(at), endTimeUnixNano: ns(at) })

describe('retention', () => {
  const clock = new ManualClock(NOW)
  let s: Awaited<ReturnType<typeof startServer>>
  let openId: string
  const rows = <T = Record<string, unknown>>(sql: string) => queryRows<T>(s.db, 'test', sql)
  const insert = (table: string, values: object[]) => s.db.client.insert({ table, values, format: 'JSONEachRow' })

  beforeAll(async () => {
    s = await startServer({ config, clock })
    const send = async (system: string, entity: string, rec: object, at: string) =>
      expect((await ingest(s.url, system, entity, ndjson([rec]), `batch=${hex(4)}&observed_at=${at}`)).status).toBe(200)
    await send('salesforce', 'account', account('v1'), '2026-01-10T00:00:00Z')
    await send('salesforce', 'account', account('v2'), '2026-02-10T00:00:00Z')
    await send('salesforce', 'account', account('v3'), '2026-05-10T00:00:00Z')
    await send('salesforce', 'opportunity', deal(false), '2026-01-05T00:00:00Z')
    await send('salesforce', 'opportunity', deal(true), '2026-02-05T00:00:00Z')
    expect((await api(s.url, `/api/v1/detect?as_of=${NOW}`, { method: 'POST' })).status).toBe(200)
    const open = (await api(s.url, '/api/v1/exceptions?rule=won_opportunity_without_project')).body.items
    expect(open.map((e: any) => e.entity_key)).toEqual(['O1'])
    openId = open[0].id

    const traces = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'boomi' } }] }, scopeSpans: [{ spans: [span('2026-03-01T10:00:00Z'), span('2026-06-20T10:00:00Z')] }] }] }
    expect((await api(s.url, '/v1/traces', { method: 'POST', body: JSON.stringify(traces), headers: { 'content-type': 'application/json' } })).status).toBe(200)
    await settleSpans(s.db)

    const dl = (id: string, at: string) => ({ id, system: 'kantata', entity: 'project', batch_id: 'b', batch_uid: 'u', line: 1, key: null, raw: '{}', reason: 'invalid', errors: '[]', observed_at: at.slice(0, 19).replace('T', ' '), received_at: at.slice(0, 19).replace('T', ' ') })
    const OLD_DL = crypto.randomUUID()
    await insert('dead_letters', [dl(OLD_DL, '2026-04-01T00:00:00Z'), dl(crypto.randomUUID(), '2026-06-15T00:00:00Z')])
    await insert('dead_letter_replays', [{ id: OLD_DL, replayed_at: '2026-04-02 00:00:00', actor: 'ops', ok: false, batch_uid: '', raw: '{}', reason: 'still bad' }])

    // Notifications: old delivered (goes), old undelivered, old delivered about the open exception, recent delivered.
    const n = (id: string, at: string, ok: boolean, exception: string) => ({ id, at, ok, exception })
    for (const x of [n('11111111-0000-0000-0000-000000000001', '2026-05-01 00:00:00', true, 'EX-RESOLVED'), n('11111111-0000-0000-0000-000000000002', '2026-05-01 00:00:00', false, 'EX-RESOLVED'),
      n('11111111-0000-0000-0000-000000000003', '2026-05-01 00:00:00', true, openId), n('11111111-0000-0000-0000-000000000004', '2026-06-25 00:00:00', true, 'EX-RESOLVED')]) {
      await insert('notifications', [{ delivery_id: x.id, owner: 'delivery-ops', event: 'opened', url: 'https://hooks.example/x', payload: '{}', created_at: x.at }])
      await insert('notification_items', [{ delivery_id: x.id, exception_id: x.exception, event: 'opened' }])
      await insert('notification_attempts', [{ delivery_id: x.id, attempt: 1, at: x.at, ok: x.ok, status_code: x.ok ? 200 : 500, error: '' }])
    }
    await insert('audit_log', [{ id: crypto.randomUUID(), at: '2025-01-01 00:00:00', actor: 'admin', action: 'sign_in', target: 'old', outcome: 'ok', ip: '', details: '{}' }])
  })
  afterAll(() => s?.close())

  it('runs when the clock says it is due, not before', async () => {
    const job = new RetentionJob(s.db, config.retention, clock, () => {})
    await job.tick()
    expect(job.last).toBeNull()
    expect(monthsBefore(new Date('2026-05-31T12:00:00Z'), 3).toISOString()).toBe('2026-02-28T12:00:00.000Z')
    const asOfApril = `SELECT name FROM cur_account(kind = 'crm', as_of = toDateTime64('2026-04-15 00:00:00', 3, 'UTC'))`
    expect(await rows(asOfApril)).toEqual([{ name: 'v2' }])

    clock.advance(24 * 3_600_000)
    await job.tick()
    expect(job.last).toMatchObject({ at: '2026-07-02T00:00:00.000Z', span_days: 1, entity_tables: expect.any(Number), notifications: true, dead_letters: true, audit: false })

    // Entity versions: v1 was superseded by v2 before the cutoff (2026-04-02); v2 was current then.
    expect((await rows<{ name: string }>(`SELECT name FROM entity_account WHERE key = 'A1' ORDER BY observed_at`)).map((r) => r.name)).toEqual(['v2', 'v3'])
    expect(await rows(asOfApril)).toEqual([{ name: 'v2' }])
    // The open exception's deal keeps every version, the first one too.
    expect(await rows(`SELECT stage FROM entity_opportunity WHERE key = 'O1' ORDER BY observed_at`)).toEqual([{ stage: 'Negotiation' }, { stage: 'Closed Won' }])
    expect((await api(s.url, `/api/v1/exceptions/${openId}`)).body.status).toBe('open')
  })

  it('dropped the old day of spans and kept the recent one', async () => {
    expect(await rows(`SELECT toString(toDate(Timestamp)) AS day FROM otel_traces ORDER BY day`)).toEqual([{ day: '2026-06-20' }])
  })

  it('deleted old dead letters with their replays, old delivered notifications not about open exceptions, and kept the audit log', async () => {
    expect(await rows(`SELECT toString(toDate(received_at)) AS day FROM dead_letters`)).toEqual([{ day: '2026-06-15' }])
    expect(await rows(`SELECT count() AS n FROM dead_letter_replays`)).toEqual([{ n: '0' }])
    const kept = ['11111111-0000-0000-0000-000000000002', '11111111-0000-0000-0000-000000000003', '11111111-0000-0000-0000-000000000004']
    expect((await rows<{ id: string }>(`SELECT toString(delivery_id) AS id FROM notifications ORDER BY id`)).map((r) => r.id)).toEqual(kept)
    expect((await rows<{ id: string }>(`SELECT DISTINCT toString(delivery_id) AS id FROM notification_items ORDER BY id`)).map((r) => r.id)).toEqual(kept)
    expect((await rows<{ id: string }>(`SELECT DISTINCT toString(delivery_id) AS id FROM notification_attempts ORDER BY id`)).map((r) => r.id)).toEqual(kept)
    expect(await rows(`SELECT target FROM audit_log WHERE target = 'old'`)).toEqual([{ target: 'old' }])
  })

  it('deletes the audit log only when the config gives it a duration', async () => {
    const r = await runRetention(s.db, { ...config.retention, audit: '365d' }, clock.now())
    expect(r.audit).toBe(true)
    expect(await rows(`SELECT target FROM audit_log WHERE target = 'old'`)).toEqual([])
    expect((await rows(`SELECT count() AS n FROM audit_log`)).length).toBe(1)
  })

  it('a bad retention setting stops the start with a sentence naming it', () => {
    expect(() => parseConfig({ retention: { spans: '90 days' } })).toThrow(/retention\.spans/)
    expect(() => parseConfig({ retention: { entity_versions_months: 0 } })).toThrow(/retention\.entity_versions_months/)
  })

  it('health can show the disk each part uses', async () => {
    const d = await diskUsage(s.db)
    expect(Object.keys(d)).toEqual(['entities', 'spans', 'exceptions', 'dead_letters', 'notifications', 'audit', 'other'])
    expect(d.entities.bytes).toBeGreaterThan(0)
    expect(d.entities.rows).toBeGreaterThanOrEqual(4)
    expect(d.spans.rows).toBe(1)
    expect(d.exceptions.bytes).toBeGreaterThan(0)
  })
})
