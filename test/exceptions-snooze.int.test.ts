// Snoozing exceptions (issue #20) and idempotent triage requests (issue #18). Time is a
// ManualClock: a snooze ends when the test advances the clock, never by waiting.
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../server/lib/clock.ts'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'
import { api } from './helpers/server.ts'
import { AS_OF, detect, listAll, put, rec } from './helpers/rules.ts'
import { useServer } from './helpers/fixture.ts'
import { createUser, newToken } from './helpers/access.ts'

const clock = new ManualClock(AS_OF)
const server = useServer({ clock, config: parseConfig({ sources: DEMO_SOURCES }) })

const DAY = 86_400_000
// Ingest and detection times move a minute forward each; the server's clock moves with them.
let t = Date.parse(AS_OF)
const tick = () => {
  t += 60_000
  if (clock.now().getTime() < t) clock.advance(t - clock.now().getTime())
  return new Date(t).toISOString()
}
const day = (n: number) => new Date(Date.UTC(2024, 5, 15 + n)).toISOString().slice(0, 10)

const json = (body: object, headers: Record<string, string> = {}, token?: string) => ({
  method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers }, ...(token ? { token } : {}),
})
const act = (id: string, body: object, headers: Record<string, string> = {}, token?: string) => api(server.url, `/api/v1/exceptions/${id}/actions`, json(body, headers, token))
const bulk = (body: object, headers: Record<string, string> = {}, token?: string) => api(server.url, '/api/v1/exceptions/actions', json(body, headers, token))
const get = async (id: string) => (await api(server.url, `/api/v1/exceptions/${id}`)).body
const keys = async (query: string) => (await listAll(server.url, query)).map((e) => e.entity_key)
const count = async (query = '') => {
  const r = await api(server.url, `/api/v1/exceptions/summary?by=rule${query}`)
  expect(r.status).toBe(200)
  return r.body.items.find((i: any) => i.group === 'time_entry_hours_mismatch')?.count ?? 0
}

/**
 * A time entry whose hours differ between PSA and ERP (amount at risk: diff × 100), detected.
 * Each of its own resource, so that no two PSA entries look like duplicates of each other.
 */
async function mismatch(key: string, psa: string, erp: string): Promise<string> {
  const entry = (hours: string) => rec.time_entry(key, { hours, bill_rate: '100', resource_key: `R-${key}` })
  await put(server.url, 'psa', 'time_entry', [entry(psa)], { observed_at: tick() })
  await put(server.url, 'erp', 'time_entry', [entry(erp)], { observed_at: tick() })
  await detect(server.url, tick())
  const [e] = await listAll(server.url, `status=all&snoozed=any&rule=time_entry_hours_mismatch&entity_key=${key}`)
  return e.id
}

describe('snooze', () => {
  it('hides from the default list and the summary counts until its date, then comes back by itself', async () => {
    const id = await mismatch('SZ-A', '8', '6')
    const before = await count()
    const r = await act(id, { action: 'snooze', until: day(5), note: 'ERP fix lands Thursday' })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body.snoozed_until).toBe(`${day(5)}T00:00:00.000Z`)
    expect(r.body.status).toBe('open')
    expect(r.body.history.at(-1)).toMatchObject({ type: 'snoozed', actor: 'admin', note: 'ERP fix lands Thursday', snoozed_until: `${day(5)}T00:00:00.000Z` })

    expect(await keys('rule=time_entry_hours_mismatch')).not.toContain('SZ-A')
    expect(await keys('rule=time_entry_hours_mismatch&status=all')).not.toContain('SZ-A')
    const snoozed = await listAll(server.url, 'snoozed=true')
    expect(snoozed.map((e) => [e.entity_key, e.snoozed_until])).toEqual([['SZ-A', `${day(5)}T00:00:00.000Z`]])
    expect(await count()).toBe(before - 1)
    expect(await count('&snoozed=true')).toBe(1)
    expect((await get(id)).snoozed_until).toBe(`${day(5)}T00:00:00.000Z`)

    // A millisecond before its end it is still snoozed; at its end it is back, with no event.
    clock.advance(Date.parse(`${day(5)}T00:00:00Z`) - clock.now().getTime() - 1)
    expect(await keys('rule=time_entry_hours_mismatch')).not.toContain('SZ-A')
    clock.advance(1)
    expect(await keys('rule=time_entry_hours_mismatch')).toContain('SZ-A')
    expect(await count()).toBe(before)
    expect(await listAll(server.url, 'snoozed=true')).toEqual([])
    const back = await get(id)
    expect(back.snoozed_until).toBeNull()
    expect(back.history.map((h: any) => h.type)).toEqual(['opened', 'snoozed'])
    t = clock.now().getTime()
  })

  it('wakes early when a re-detection finds more at risk than when it was snoozed, not when less', async () => {
    const id = await mismatch('SZ-B', '8', '7')
    const until = new Date(clock.now().getTime() + 30 * DAY).toISOString()
    expect((await act(id, { action: 'snooze', until })).status).toBe(200)
    expect(await keys('rule=time_entry_hours_mismatch&status=all')).not.toContain('SZ-B')

    await put(server.url, 'erp', 'time_entry', [rec.time_entry('SZ-B', { hours: '7.5', bill_rate: '100', resource_key: 'R-SZ-B' })], { observed_at: tick() })
    await detect(server.url, tick())
    expect((await get(id)).amount_at_risk).toBe(50)
    expect(await keys('rule=time_entry_hours_mismatch&snoozed=true')).toContain('SZ-B')

    await put(server.url, 'erp', 'time_entry', [rec.time_entry('SZ-B', { hours: '5', bill_rate: '100', resource_key: 'R-SZ-B' })], { observed_at: tick() })
    await detect(server.url, tick())
    const woken = await get(id)
    expect(woken).toMatchObject({ amount_at_risk: 300, snoozed_until: null, status: 'open' })
    expect(await keys('rule=time_entry_hours_mismatch')).toContain('SZ-B')
  })

  it('unsnooze brings it back at once; a resolution ends a snooze; what does not apply is refused', async () => {
    const id = await mismatch('SZ-C', '8', '4')
    expect((await act(id, { action: 'unsnooze' })).status).toBe(409)
    await act(id, { action: 'snooze', until: day(40) })
    const r = await act(id, { action: 'unsnooze', note: 'customer escalated' })
    expect(r.status).toBe(200)
    expect(r.body.snoozed_until).toBeNull()
    expect(await keys('rule=time_entry_hours_mismatch')).toContain('SZ-C')

    await act(id, { action: 'snooze', until: day(40) })
    await act(id, { action: 'resolve', note: 'fixed in ERP' })
    expect((await act(id, { action: 'snooze', until: day(41) })).status).toBe(409)
    await act(id, { action: 'reopen', note: 'not fixed after all' })
    expect((await get(id)).snoozed_until).toBeNull()
    expect(await keys('rule=time_entry_hours_mismatch')).toContain('SZ-C')
    expect((await get(id)).history.map((h: any) => [h.type, h.note])).toEqual([
      ['opened', null], ['snoozed', null], ['unsnoozed', 'customer escalated'], ['snoozed', null], ['resolved', 'fixed in ERP'], ['reopen', 'not fixed after all'],
    ])
  })

  it('bulk: by ids and by filter, skipping what does not apply', async () => {
    const ids = [await mismatch('SZ-D1', '8', '3'), await mismatch('SZ-D2', '8', '2'), await mismatch('SZ-D3', '8', '1')]
    await act(ids[2], { action: 'resolve', note: 'done' })
    const r = await bulk({ ids, action: 'snooze', until: `${day(20)}T09:30:00+02:00`, note: 'quarter end' })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body).toMatchObject({ action: 'snooze', applied: 2, skipped: 1 })
    expect(r.body.results.skipped).toEqual([{ id: ids[2], reason: 'cannot snooze an exception that is resolved' }])
    const snoozed = await listAll(server.url, 'rule=time_entry_hours_mismatch&snoozed=true&q=SZ-D')
    expect(snoozed.map((e) => [e.entity_key, e.snoozed_until]).sort()).toEqual([
      ['SZ-D1', `${day(20)}T07:30:00.000Z`], ['SZ-D2', `${day(20)}T07:30:00.000Z`],
    ])
    // By filter: the snoozed ones are what snoozed=true matches.
    const woke = await bulk({ filter: { rule: 'time_entry_hours_mismatch', snoozed: 'true', q: 'SZ-D' }, action: 'unsnooze' })
    expect(woke.body).toMatchObject({ applied: 2, skipped: 0 })
    expect(await keys('rule=time_entry_hours_mismatch&snoozed=true&q=SZ-D')).toEqual([])
    expect((await get(ids[0])).history.map((h: any) => h.type)).toEqual(['opened', 'snoozed', 'unsnoozed'])
  })

  it('refuses a missing, malformed, past or too distant date with a 400 naming until', async () => {
    const id = await mismatch('SZ-E', '8', '7.75')
    const now = clock.now()
    const cases = [undefined, '', 'next week', '2024-13-01', '2024-06-31', now.toISOString(), day(-1), new Date(now.getTime() + 366 * DAY).toISOString()]
    for (const until of cases) {
      const r = await act(id, { action: 'snooze', until })
      expect(r.status, String(until)).toBe(400)
      expect(r.body.error.message, String(until)).toMatch(/until/)
      expect(JSON.stringify(r.body)).not.toMatch(/SELECT|\.ts:/)
    }
    expect((await bulk({ ids: [id], action: 'snooze', until: day(-3) })).status).toBe(400)
    expect((await get(id)).history.map((h: any) => h.type)).toEqual(['opened'])
    // The limits themselves: a millisecond from now, and exactly 365 days on.
    expect((await act(id, { action: 'snooze', until: new Date(now.getTime() + 1).toISOString() })).status).toBe(200)
    expect((await act(id, { action: 'snooze', until: new Date(now.getTime() + 365 * DAY).toISOString() })).status).toBe(200)
  })

  it('takes the triage rights of acknowledge: finance rules by finance and admin, not ops', async () => {
    const id = await mismatch('SZ-F', '8', '7.5')
    const ops = await newToken(server.url, { kind: 'personal', user_id: (await createUser(server.url, 'ops')).id })
    const finance = await newToken(server.url, { kind: 'personal', user_id: (await createUser(server.url, 'finance')).id })
    expect((await act(id, { action: 'snooze', until: day(10) }, {}, ops.token)).status).toBe(403)
    const skipped = await bulk({ ids: [id], action: 'snooze', until: day(10) }, {}, ops.token)
    expect(skipped.body.results.skipped).toEqual([{ id, reason: 'your role may not triage time_entry_hours_mismatch exceptions' }])
    const ok = await act(id, { action: 'snooze', until: day(10) }, {}, finance.token)
    expect(ok.status).toBe(200)
    expect(ok.body.history.at(-1)).toMatchObject({ type: 'snoozed', actor: 'finance@firm.example' })
  })
})

describe('idempotent triage requests', () => {
  it('the same key resent by the same actor answers as the first time and writes nothing', async () => {
    const id = await mismatch('ID-A', '8', '6.5')
    const key = { 'Idempotency-Key': 'c0ffee00-0000-4000-8000-000000000001' }
    const first = await act(id, { action: 'comment', note: 'Asked the PM' }, key)
    expect(first.status).toBe(200)
    // The resend after a crash between write and answer: same key, same body.
    const again = await act(id, { action: 'comment', note: 'Asked the PM' }, key)
    expect(again.status).toBe(200)
    expect(again.body).toEqual(first.body)
    expect((await get(id)).history.filter((h: any) => h.type === 'commented')).toHaveLength(1)

    // Another key (another user action) writes again; so does the key in the body.
    expect((await act(id, { action: 'comment', note: 'Asked the PM' }, { 'Idempotency-Key': 'another-key' })).status).toBe(200)
    await act(id, { action: 'comment', note: 'Asked the PM', request_id: 'body-key' })
    await act(id, { action: 'comment', note: 'Asked the PM', request_id: 'body-key' })
    expect((await get(id)).history.filter((h: any) => h.type === 'commented')).toHaveLength(3)

    // A key used for another action is refused, not silently answered with the first one.
    const reused = await act(id, { action: 'acknowledge' }, key)
    expect(reused.status).toBe(422)
    expect(reused.body.error.code).toBe('idempotency_key_reused')
    // Someone else's same key is theirs: it writes.
    const finance = await newToken(server.url, { kind: 'personal', user_id: (await createUser(server.url, 'finance', 'fin2@firm.example')).id })
    expect((await act(id, { action: 'comment', note: 'Asked the PM' }, key, finance.token)).status).toBe(200)
    expect((await get(id)).history.filter((h: any) => h.type === 'commented')).toHaveLength(4)
  })

  it('a bulk request resent answers with what the first applied, even once its filter matches nothing', async () => {
    const ids = [await mismatch('ID-B1', '8', '6.25'), await mismatch('ID-B2', '8', '6.125')]
    const key = { 'Idempotency-Key': 'bulk-snooze-1' }
    const body = { filter: { rule: 'time_entry_hours_mismatch', q: 'ID-B' }, action: 'snooze', until: day(60) }
    const first = await bulk(body, key)
    expect(first.body).toMatchObject({ applied: 2, skipped: 0 })
    const again = await bulk(body, key)
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ applied: 2, skipped: 0 })
    expect([...again.body.results.applied].sort()).toEqual([...ids].sort())
    for (const id of ids) expect((await get(id)).history.filter((h: any) => h.type === 'snoozed')).toHaveLength(1)
    // Without a key the same request is a new one: nothing matches the filter any more.
    expect((await bulk(body)).body).toMatchObject({ applied: 0 })
  })

  it('refuses a key over 200 characters', async () => {
    const r = await bulk({ ids: ['x'], action: 'acknowledge' }, { 'Idempotency-Key': 'k'.repeat(201) })
    expect(r.status).toBe(400)
  })
})
