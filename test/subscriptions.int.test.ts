// Subscriptions to saved views (issue #20): anyone who reads the exception list subscribes to a
// view by e-mail or Slack; each sees their own, admins everyone's; the stored view is checked
// as the list checks it; on schedule the subscriber gets exactly the view's matches. Mail goes
// to a local SMTP server, Slack to a local receiver; the clock is a ManualClock driven by tick().
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'
import { ManualClock } from '../server/lib/clock.ts'
import { api } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'
import { createUser, json, newToken } from './helpers/access.ts'
import { httpReceiver, smtpReceiver, type HttpReceiver, type SmtpReceiver } from './helpers/channel-receivers.ts'

// The firm is detected at 2026-06-30T12:00Z; subscriptions are made at midnight UTC on 1 July.
const clock = new ManualClock('2026-07-01T00:00:00Z')
const at = (iso: string) => clock.advance(Date.parse(iso) - clock.now().getTime())
const VIEW = 'severity=high,critical&sort=-amount_at_risk'

let smtp: SmtpReceiver
let slack: HttpReceiver

const server = useServer(async () => {
  smtp = await smtpReceiver()
  slack = await httpReceiver()
  const config = parseConfig({
    sources: DEMO_SOURCES,
    smtp: { host: '127.0.0.1', port: smtp.port, secure: 'none', from: 'crosswalk@firm.example' },
    // An admin-configured Slack webhook: the one non-Slack host a subscription may post to.
    owners: [{ id: 'alerts-room', slack_webhook: slack.url }],
    notify: { max_attempts: 2, backoff_ms: 10 },
  })
  return { config, clock, digestTickMs: 0, firm: true, detect: true }
})
afterAll(async () => {
  await smtp?.close()
  await slack?.close()
})

const as = (token: string) => ({ token })
const subscribe = (token: string, body: object) => api(server.url, '/api/v1/subscriptions', { ...json(body), token })
const people: Record<'ana' | 'bo' | 'fin' | 'cfo', { token: string; email: string; id: string }> = {} as any

beforeAll(async () => {
  for (const [key, role] of [['ana', 'ops'], ['bo', 'ops'], ['fin', 'finance'], ['cfo', 'executive']] as const) {
    const u = await createUser(server.url, role, `${key}@firm.example`)
    people[key] = { token: (await newToken(server.url, { kind: 'personal', user_id: u.id })).token, email: u.email, id: u.id }
  }
})

describe('subscriptions: create, list, delete, who may', () => {
  let anas: string
  it('a reader subscribes to a saved view by e-mail: to their own address, with the next send time', async () => {
    const r = await subscribe(people.ana.token, { name: 'High and critical', query: `?${VIEW}`, channel: 'email', frequency: 'daily', local_time: '08:00', time_zone: 'Europe/Paris' })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    expect(r.body).toMatchObject({ user_id: people.ana.id, name: 'High and critical', query: VIEW, channel: 'email', target: people.ana.email, frequency: 'daily', weekday: 'monday' })
    expect(r.body.next_at).toBe('2026-07-01T06:00:00.000Z')
    anas = r.body.id
    const f = await subscribe(people.fin.token, { name: 'Invoices', query: 'rule=invoice_amount_mismatch', channel: 'email', frequency: 'weekly', weekday: 'friday' })
    expect(f.status, JSON.stringify(f.body)).toBe(201)
  })

  it('each sees their own; an admin sees everyone\'s', async () => {
    const own = await api(server.url, '/api/v1/subscriptions', as(people.ana.token))
    expect(own.body.items.map((s: any) => s.id)).toEqual([anas])
    expect((await api(server.url, '/api/v1/subscriptions', as(people.bo.token))).body.items).toEqual([])
    const all = await api(server.url, '/api/v1/subscriptions')
    expect(all.body.items.map((s: any) => s.user_id).sort()).toEqual([people.ana.id, people.fin.id].sort())
  })

  it('an executive (who may not read the list) cannot subscribe or list', async () => {
    expect((await api(server.url, '/api/v1/subscriptions', as(people.cfo.token))).status).toBe(403)
    expect((await subscribe(people.cfo.token, { name: 'x', query: '', channel: 'email', frequency: 'daily' })).status).toBe(403)
  })

  it('another person\'s subscription is not found; its owner and an admin may delete', async () => {
    const other = await api(server.url, `/api/v1/subscriptions/${anas}`, { method: 'DELETE', token: people.bo.token })
    expect(other.status).toBe(404)
    expect((await api(server.url, '/api/v1/subscriptions', as(people.ana.token))).body.items).toHaveLength(1)
    const fins = (await api(server.url, '/api/v1/subscriptions', as(people.fin.token))).body.items[0]
    const byAdmin = await api(server.url, `/api/v1/subscriptions/${fins.id}`, { method: 'DELETE' })
    expect(byAdmin.status).toBe(200)
    expect(byAdmin.body.id).toBe(fins.id)
    expect((await api(server.url, '/api/v1/subscriptions', as(people.fin.token))).body.items).toEqual([])
    expect((await api(server.url, `/api/v1/subscriptions/${fins.id}`, { method: 'DELETE' })).status).toBe(404)
  })

  it.each([
    ['rule=no_such_rule', 'query.rule', /no_such_rule|expected one of/],
    ['severity=high&overdue=maybe', 'query.overdue', /true or false/],
    ['sort=sideways', 'query.sort', /expected one of/],
    ['colour=blue', 'query.colour', /colour/],
  ])('a view the list would refuse (%s) is a 400 naming the filter', async (query, field, message) => {
    const r = await subscribe(people.ana.token, { name: 'Bad', query, channel: 'email', frequency: 'daily' })
    expect(r.status).toBe(400)
    expect(r.body.error.details.field).toBe(field)
    expect(r.body.error.message).toMatch(message)
    expect(r.body.error.message).toContain(field.split('.')[1])
    // The list itself refuses the same query.
    expect((await api(server.url, `/api/v1/exceptions?${query}`)).status).toBe(400)
  })

  it('a bad schedule or Slack webhook is a 400 naming the field', async () => {
    const tz = await subscribe(people.ana.token, { name: 'x', query: '', channel: 'email', frequency: 'daily', time_zone: 'Mars/Olympus' })
    expect(tz.status).toBe(400)
    expect(tz.body.error.message).toContain('time_zone')
    const time = await subscribe(people.ana.token, { name: 'x', query: '', channel: 'email', frequency: 'hourly' })
    expect(time.body.error.message).toContain('frequency')
    const anywhere = await subscribe(people.ana.token, { name: 'x', query: '', channel: 'slack', frequency: 'daily', slack_webhook: 'http://169.254.169.254/latest' })
    expect(anywhere.status).toBe(400)
    expect(anywhere.body.error.details.field).toBe('slack_webhook')
    const none = await subscribe(people.ana.token, { name: 'x', query: '', channel: 'slack', frequency: 'daily' })
    expect(none.body.error.details.field).toBe('slack_webhook')
  })
})

describe('a subscription\'s digest', () => {
  it('sends exactly the view\'s matches, in its order, at its local time, once', async () => {
    const view = 'rule=time_entry_missing_in_erp,invoice_amount_mismatch&sort=-amount_at_risk'
    const s = await subscribe(people.bo.token, { name: 'Missing time, bad invoices', query: view, channel: 'slack', frequency: 'daily', time_zone: 'Europe/Paris', slack_webhook: slack.url })
    expect(s.status, JSON.stringify(s.body)).toBe(201)
    const digests = server.services.digests!
    at('2026-07-01T05:59:59.000Z')
    expect(await digests.tick()).toEqual([])
    at('2026-07-01T06:00:00.000Z')
    const sent = await digests.tick()
    await digests.idle()
    // Bo's and Ana's (the ids are random, so no order is assumed).
    const recipients = sent.map((x) => x.recipient)
    expect(recipients).toHaveLength(2)
    expect(recipients).toContain(`subscription:${s.body.id}`)
    for (const r of recipients) expect(r).toMatch(/^subscription:sub_/)
    // E-mail: Ana's view, exactly the list's answer for it at the same instant.
    const list = await api(server.url, `/api/v1/exceptions?${VIEW}&limit=10000`)
    expect(list.body.items.length).toBeGreaterThan(0)
    const mails = smtp.mails.filter((m) => m.envelopeTo.includes(people.ana.email))
    expect(mails).toHaveLength(1)
    const html = String(mails[0].parsed.html)
    expect([...html.matchAll(/data-exception="([^"]+)"/g)].map((m) => m[1])).toEqual(list.body.items.slice(0, 50).map((i: any) => i.id))
    expect(mails[0].parsed.subject).toContain(`High and critical (2026-07-01): ${list.body.items.length} exception`)
    // Slack: Bo's view.
    const bos = await api(server.url, `/api/v1/exceptions?${view}&limit=10000`)
    const posts = slack.requests.filter((r) => JSON.stringify(r.body).includes('Missing time, bad invoices'))
    expect(posts).toHaveLength(1)
    const posted = JSON.stringify(posts[0].body)
    for (const i of bos.body.items.slice(0, 10)) expect(posted).toContain(i.entity_key)
    expect(posted).toContain(`${bos.body.items.length} exception`)
    // Once: the same morning sends nothing more.
    at('2026-07-01T07:00:00.000Z')
    expect(await digests.tick()).toEqual([])
  })

  it('a deleted subscription sends nothing more', async () => {
    const mine = (await api(server.url, '/api/v1/subscriptions', as(people.ana.token))).body.items
    for (const s of mine) expect((await api(server.url, `/api/v1/subscriptions/${s.id}`, { method: 'DELETE', token: people.ana.token })).status).toBe(200)
    at('2026-07-02T06:00:00.000Z')
    const sent = await server.services.digests!.tick()
    await server.services.digests!.idle()
    expect(sent.map((x) => x.recipient)).not.toContain(`subscription:${mine[0].id}`)
    expect(smtp.mails.filter((m) => m.envelopeTo.includes(people.ana.email))).toHaveLength(1)
  })
})
