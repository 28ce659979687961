// Notification channels (issue #20): e-mail over SMTP, Slack (Block Kit), Microsoft Teams
// (Adaptive Card) and the signed JSON webhook, with retries, "Send test" and clear 400s for a
// bad channel config. Every receiver is local (127.0.0.1, random port); the server waits
// through a ManualClock, so backoff costs no real time.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'
import { ManualClock } from '../server/lib/clock.ts'
import type { ChannelContent } from '../server/notify/channels/index.ts'
import { slackPayload } from '../server/notify/channels/slack.ts'
import { api } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'
import { httpReceiver, smtpReceiver, type HttpReceiver, type SmtpReceiver } from './helpers/channel-receivers.ts'

const PUBLIC = 'https://crosswalk.example.com'
const SMTP_USER = 'crosswalk-mailer'
const SMTP_PASSWORD = 'smtp-secret-for-tests'
const HOOK_SECRET = 'a-shared-secret-of-32-characters'
process.env.CW_TEST_SMTP_PASSWORD = SMTP_PASSWORD
process.env.CW_TEST_HOOK_SECRET = HOOK_SECRET

const post = (json: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) })

// --- Block Kit, as Slack documents it: block types, text objects and their limits. ---
const BLOCK_TYPES = new Set(['header', 'section', 'actions', 'context', 'divider'])
function textProblems(t: any, where: string, max: number, types = ['plain_text', 'mrkdwn']): string[] {
  if (!t || !types.includes(t.type)) return [`${where}: text object type ${t?.type} is not one of ${types}`]
  if (typeof t.text !== 'string' || t.text.length < 1 || t.text.length > max) return [`${where}: text length ${t.text?.length} outside 1..${max}`]
  return []
}
function blockKitProblems(p: any): string[] {
  const out: string[] = []
  if (typeof p.text !== 'string' || !p.text) out.push('no text fallback')
  if (!Array.isArray(p.blocks) || p.blocks.length > 50) out.push(`blocks: ${p.blocks?.length} (at most 50)`)
  const ids = new Set<string>()
  for (const [i, b] of (p.blocks ?? []).entries()) {
    const at = `blocks[${i}]`
    if (!BLOCK_TYPES.has(b.type)) out.push(`${at}: unknown type ${b.type}`)
    if (b.type === 'header') out.push(...textProblems(b.text, at, 150, ['plain_text']))
    if (b.type === 'section') {
      if (!b.text && !b.fields) out.push(`${at}: a section needs text or fields`)
      if (b.text) out.push(...textProblems(b.text, at, 3000))
      if (b.fields && (b.fields.length > 10 || !b.fields.length)) out.push(`${at}: ${b.fields.length} fields (1..10)`)
      for (const [j, f] of (b.fields ?? []).entries()) out.push(...textProblems(f, `${at}.fields[${j}]`, 2000))
    }
    if (b.type === 'context') for (const [j, e] of b.elements.entries()) out.push(...textProblems(e, `${at}.elements[${j}]`, 3000))
    if (b.type === 'actions') {
      if (!b.elements.length || b.elements.length > 25) out.push(`${at}: ${b.elements.length} elements (1..25)`)
      for (const e of b.elements) {
        if (e.type !== 'button') out.push(`${at}: element ${e.type}`)
        out.push(...textProblems(e.text, `${at} button`, 75, ['plain_text']))
        if (typeof e.url !== 'string' || e.url.length > 3000 || !/^https?:\/\//.test(e.url)) out.push(`${at}: button url ${e.url}`)
        if (!e.action_id || e.action_id.length > 255 || ids.has(e.action_id)) out.push(`${at}: action_id ${e.action_id} missing, long or repeated`)
        ids.add(e.action_id)
      }
    }
  }
  return out
}

// --- Adaptive Cards (adaptivecards.io schema): the elements and actions used here. ---
const ELEMENTS = new Set(['TextBlock', 'FactSet', 'Container', 'ActionSet', 'ColumnSet', 'Image'])
function cardProblems(card: any): string[] {
  const out: string[] = []
  if (card.type !== 'AdaptiveCard') out.push(`type ${card.type}`)
  if (!(Number(card.version) >= 1.4)) out.push(`version ${card.version} (1.4 or later)`)
  const actions = (list: any[], at: string) => {
    for (const a of list ?? []) if (a.type !== 'Action.OpenUrl' || typeof a.title !== 'string' || !/^https?:\/\//.test(a.url)) out.push(`${at}: action ${JSON.stringify(a)}`)
  }
  const walk = (items: any[], at: string) => {
    for (const [i, e] of items.entries()) {
      const here = `${at}[${i}]`
      if (!ELEMENTS.has(e.type)) out.push(`${here}: element ${e.type}`)
      if (e.type === 'TextBlock' && typeof e.text !== 'string') out.push(`${here}: TextBlock without text`)
      if (e.type === 'FactSet') for (const f of e.facts) if (typeof f.title !== 'string' || typeof f.value !== 'string') out.push(`${here}: fact ${JSON.stringify(f)}`)
      if (e.type === 'Container') walk(e.items, `${here}.items`)
      if (e.type === 'ActionSet') actions(e.actions, here)
    }
  }
  walk(card.body ?? [], 'body')
  actions(card.actions, 'actions')
  return out
}

const sign = (secret: string, ts: string, raw: string) => `sha256=${crypto.createHmac('sha256', secret).update(`${ts}.${raw}`).digest('hex')}`

describe('notification channels', () => {
  let smtp: SmtpReceiver
  let slack: HttpReceiver
  let teams: HttpReceiver
  let hook: HttpReceiver
  let flaky: HttpReceiver
  const clock = new ManualClock('2026-09-01T00:00:00Z')

  const server = useServer(async () => {
    smtp = await smtpReceiver({ user: SMTP_USER, pass: SMTP_PASSWORD })
    ;[slack, teams, hook, flaky] = await Promise.all([httpReceiver(), httpReceiver(0, 202), httpReceiver(), httpReceiver(2)])
    const config = parseConfig({
      sources: DEMO_SOURCES,
      public_url: `${PUBLIC}/`,
      smtp: { host: '127.0.0.1', port: smtp.port, secure: 'none', from: 'Crosswalk <crosswalk@example.com>', user: SMTP_USER, pass: '${CW_TEST_SMTP_PASSWORD}' },
      owners: [
        { id: 'billing', email: 'billing@example.com', slack_webhook: slack.url, teams_webhook: teams.url, webhook: hook.url, webhook_secret: '${CW_TEST_HOOK_SECRET}' },
        { id: 'flaky', slack_webhook: flaky.url },
        { id: 'cfo', type: 'person', email: 'cfo@example.com' },
        { id: 'quiet' },
      ],
      notify: { max_attempts: 3, backoff_ms: 20 },
    })
    return { config, clock, firm: true, detect: true }
  })
  beforeAll(() => server.services.notifier.idle())
  afterAll(async () => {
    await Promise.all([smtp?.close(), slack?.close(), teams?.close(), hook?.close(), flaky?.close()])
  })

  const alerts = (r: HttpReceiver, pick: (b: any) => boolean) => r.requests.filter((q) => pick(q.body))

  it('e-mails the owner over SMTP with AUTH: subject, text and HTML parts, links to public_url, no images', () => {
    const mails = smtp.mails.filter((m) => /new exceptions for billing/.test(m.parsed.subject ?? ''))
    expect(mails).toHaveLength(1)
    const m = mails[0]
    expect(m.user).toBe(SMTP_USER)
    expect(m.envelopeTo).toEqual(['billing@example.com'])
    expect(m.parsed.subject).toMatch(/^Crosswalk: 9 new exceptions for billing$/)
    expect(m.parsed.from?.text).toContain('crosswalk@example.com')
    const text = m.parsed.text ?? ''
    const html = String(m.parsed.html)
    expect(text).toMatch(/9 new exceptions for billing — USD [\d,]+\.\d{2} at risk/)
    expect(text).toContain(`${PUBLIC}/exceptions?id=`)
    expect(text).toContain(`All of them: ${PUBLIC}/exceptions?owner=billing`)
    expect(html).toMatch(/<table/)
    const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map((x) => x[1].replace(/&amp;/g, '&'))
    expect(hrefs.filter((h) => h.startsWith(`${PUBLIC}/exceptions?id=`))).toHaveLength(9)
    // No tracking pixel, no remote resource of any kind: every link goes to the dashboard.
    expect(html).not.toMatch(/<img|src=|url\(/i)
    for (const h of hrefs) expect(h.startsWith(`${PUBLIC}/`)).toBe(true)
    expect(m.parsed.attachments).toHaveLength(0)
  })

  it('posts Slack Block Kit within its documented structure and limits', () => {
    const [req] = alerts(slack, (b) => /new exceptions/.test(b.text))
    const p = req.body
    expect(blockKitProblems(p)).toEqual([])
    expect(p.text).toMatch(/^9 new exceptions for billing/)
    expect(p.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Crosswalk: 9 new exceptions for billing', emoji: true } })
    const sections = p.blocks.filter((b: any) => b.type === 'section' && b.fields)
    expect(sections).toHaveLength(9)
    const labels = sections[0].fields.map((f: any) => f.text.split('\n')[0])
    expect(labels).toEqual(['*Rule*', '*Entity*', '*Money at risk*', '*Due*'])
    expect(sections.some((s: any) => /^\*Money at risk\*\nUSD [\d,]+\.\d{2}$/.test(s.fields[2].text) && s.fields[2].text !== '*Money at risk*\nUSD 0.00')).toBe(true)
    const buttons = p.blocks.filter((b: any) => b.type === 'actions').flatMap((b: any) => b.elements)
    expect(buttons.filter((b: any) => b.text.text === 'Open in Crosswalk').every((b: any) => b.url.startsWith(`${PUBLIC}/exceptions?id=`))).toBe(true)
    expect(buttons.at(-1)).toMatchObject({ text: { text: 'Open all in Crosswalk' }, url: `${PUBLIC}/exceptions?owner=billing` })
  })

  it('keeps a large Slack message within 50 blocks and the text limits (and the check catches a breach)', () => {
    const e = { id: 'x', rule: 'invoice_amount_mismatch', entity_key: 'K'.repeat(5000), severity: 'high' as const, amount_at_risk: 1, currency: 'EUR', due_at: null, url: `${PUBLIC}/exceptions?id=x` }
    const big: ChannelContent = { event: 'digest', owner: 'billing', subject: 'S'.repeat(500), text: 'T'.repeat(50_000), count: 80, amount_at_risk: 80, exceptions: Array(50).fill(e), link: `${PUBLIC}/x` }
    const p = slackPayload(big)
    expect(blockKitProblems(p)).toEqual([])
    expect(p.blocks.length).toBeLessThanOrEqual(50)
    expect(JSON.stringify(p)).toContain('…and 60 more')
    expect(blockKitProblems({ ...p, blocks: [...p.blocks, ...p.blocks] })).toContain(`blocks: ${2 * p.blocks.length} (at most 50)`)
  })

  it('posts Teams a message with one Adaptive Card: FactSet and Action.OpenUrl', () => {
    const [req] = alerts(teams, (b) => /new exceptions/.test(b.attachments?.[0]?.content?.body?.[0]?.text ?? ''))
    const p = req.body
    expect(p.type).toBe('message')
    expect(p.attachments).toHaveLength(1)
    expect(p.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive')
    const card = p.attachments[0].content
    expect(cardProblems(card)).toEqual([])
    expect(card.$schema).toBe('http://adaptivecards.io/schemas/adaptive-card.json')
    const facts = card.body.filter((b: any) => b.type === 'Container').map((c: any) => c.items.find((i: any) => i.type === 'FactSet').facts)
    expect(facts).toHaveLength(9)
    expect(facts[0].map((f: any) => f.title)).toEqual(['Rule', 'Entity', 'Money at risk', 'Due'])
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open in Crosswalk', url: `${PUBLIC}/exceptions?owner=billing` }])
    expect(cardProblems({ ...card, version: '1.2' })).toEqual(['version 1.2 (1.4 or later)'])
  })

  it('signs the JSON webhook: HMAC-SHA256 of timestamp.body with the shared secret', () => {
    const [req] = alerts(hook, (b) => b.event === 'opened')
    const ts = String(req.headers['x-crosswalk-timestamp'])
    // Unix seconds of the injected clock at sending (it only moves forward, by the backoffs).
    expect(ts).toMatch(/^\d{10}$/)
    expect(Number(ts)).toBeGreaterThanOrEqual(Date.parse('2026-09-01T00:00:00Z') / 1000)
    expect(Number(ts)).toBeLessThanOrEqual(clock.now().getTime() / 1000)
    expect(req.headers['x-crosswalk-signature']).toBe(sign(HOOK_SECRET, ts, req.raw))
    // What a receiver's check refuses: another secret, a changed body, a replayed timestamp.
    expect(req.headers['x-crosswalk-signature']).not.toBe(sign('another-secret', ts, req.raw))
    expect(req.headers['x-crosswalk-signature']).not.toBe(sign(HOOK_SECRET, ts, req.raw.replace('billing', 'billinh')))
    expect(req.headers['x-crosswalk-signature']).not.toBe(sign(HOOK_SECRET, String(Number(ts) + 1), req.raw))
    expect(req.body).toMatchObject({ event: 'opened', owner: 'billing', count: 9, link: `${PUBLIC}/exceptions?owner=billing` })
    expect(req.body.html).toBeUndefined()
  })

  it('retries a failing channel with backoff until delivered, and lists it with its channel', async () => {
    const before = clock.sleeps.length
    const content: ChannelContent = { event: 'digest', owner: 'flaky', subject: 'Weekly digest', text: 'Nothing new', count: 0, amount_at_risk: 0, exceptions: [] }
    const r = await server.services.notifier.send('flaky', 'slack', content)
    expect(r).toMatchObject({ owner: 'flaky', channel: 'slack', status: 'delivered', attempts: 3, error: null })
    expect(flaky.requests).toHaveLength(3)
    expect(clock.sleeps.slice(before)).toEqual([20, 40])
    const list = await api(server.url, '/api/v1/notifications')
    expect(list.status).toBe(200)
    const item = list.body.items.find((n: any) => n.id === r.delivery_id)
    expect(item).toMatchObject({ channel: 'slack', event: 'digest', status: 'delivered', attempts: 3, host: new URL(flaky.url).host })
    const mail = list.body.items.find((n: any) => n.channel === 'email' && n.owner === 'billing')
    expect(mail).toMatchObject({ host: 'billing@example.com', status: 'delivered', attempts: 1 })
  })

  it('"Send test" delivers a test message on each channel and answers the outcome', async () => {
    for (const [owner, channel] of [['billing', 'email'], ['billing', 'slack'], ['billing', 'teams'], ['billing', 'webhook'], ['cfo', 'email']]) {
      const r = await api(server.url, '/api/v1/notifications/test', post({ owner, channel }))
      expect(r.status, `${owner} ${channel}: ${JSON.stringify(r.body)}`).toBe(200)
      expect(r.body).toMatchObject({ owner, channel, status: 'delivered', attempts: 1, error: null })
    }
    const tests = smtp.mails.filter((m) => /^Crosswalk test message/.test(m.parsed.subject ?? ''))
    expect(tests.map((m) => m.envelopeTo[0]).sort()).toEqual(['billing@example.com', 'cfo@example.com'])
    expect(slack.requests.at(-1)!.body.text).toMatch(/^Crosswalk test message for billing \(slack\)/)
    expect(teams.requests.at(-1)!.body.attachments[0].content.body[0].text).toBe('Crosswalk test message for billing')
    expect(hook.requests.at(-1)!.body.event).toBe('test')
    const list = await api(server.url, '/api/v1/notifications')
    expect(list.body.items.filter((n: any) => n.event === 'test').map((n: any) => n.channel).sort()).toEqual(['email', 'email', 'slack', 'teams', 'webhook'])
  })

  it('"Send test" answers a failure it met (refused SMTP login) rather than hiding it', async () => {
    process.env.CW_TEST_SMTP_PASSWORD = 'not-the-password'
    try {
      const r = await api(server.url, '/api/v1/notifications/test', post({ owner: 'cfo', channel: 'email' }))
      expect(r.status).toBe(200)
      expect(r.body.status).toBe('failed')
      expect(r.body.error).toMatch(/^SMTP: .*Invalid username or password/)
      expect(smtp.refused).toBeGreaterThan(0)
    } finally {
      process.env.CW_TEST_SMTP_PASSWORD = SMTP_PASSWORD
    }
  })

  it('answers a bad or missing channel config with a 400 naming the field', async () => {
    const test = (json: unknown) => api(server.url, '/api/v1/notifications/test', post(json))
    let r = await test({ owner: 'quiet', channel: 'slack' })
    expect(r.status).toBe(400)
    expect(r.body.error).toMatchObject({ code: 'bad_channel_config', details: { field: 'owners[3].slack_webhook' } })
    expect(r.body.error.message).toMatch(/^owners\[3\]\.slack_webhook: owner quiet has no slack channel configured/)
    r = await test({ owner: 'nobody', channel: 'email' })
    expect(r.status).toBe(400)
    expect(r.body.error.details.field).toBe('owner')
    r = await test({ owner: 'billing', channel: 'fax' })
    expect(r.status).toBe(400)
    expect(r.body.error.message).toMatch(/channel: expected one of email, slack, teams, webhook/)
    delete process.env.CW_TEST_HOOK_SECRET
    try {
      r = await test({ owner: 'billing', channel: 'webhook' })
      expect(r.status).toBe(400)
      expect(r.body.error.message).toBe('owners[0].webhook_secret: refers to the environment variable CW_TEST_HOOK_SECRET, which is not set')
    } finally {
      process.env.CW_TEST_HOOK_SECRET = HOOK_SECRET
    }
    const put = (owners: unknown) => api(server.url, '/api/v1/settings', { ...post({ owners }), method: 'PUT' })
    r = await put([{ id: 'ops', slack_webhook: 'hooks.slack.com/nothing' }])
    expect(r.status).toBe(400)
    expect(r.body.error.details.field).toBe('owners[0].slack_webhook')
    r = await put([{ id: 'ops', email: 'not-an-address' }])
    expect(r.body.error.details.field).toBe('owners[0].email')
    r = await put([{ id: 'ceo', type: 'person', teams_webhook: teams.url }])
    expect(r.status).toBe(400)
    expect(r.body.error.message).toMatch(/owners\[0\]\.teams_webhook: ceo is a person; people are reached by e-mail only/)
    r = await api(server.url, '/api/v1/settings', { ...post({ smtp: { host: 'mail', from: 'x@example.com', secure: 'ssl' } }), method: 'PUT' })
    expect(r.body.error.details.field).toBe('smtp.secure')
  })

  it('takes channels saved in the settings and sends through them', async () => {
    const got = await api(server.url, '/api/v1/settings')
    expect(got.status).toBe(200)
    expect(got.body.public_url).toBe(`${PUBLIC}/`)
    expect(got.body.smtp).toMatchObject({ host: '127.0.0.1', port: smtp.port, secure: 'none' })
    const owners = [...got.body.owners, { id: 'ops', name: 'Operations', slack_webhook: slack.url }]
    const saved = await api(server.url, '/api/v1/settings', { ...post({ owners }), method: 'PUT' })
    expect(saved.status).toBe(200)
    expect(saved.body.owners.map((o: any) => o.id)).toEqual(['billing', 'flaky', 'cfo', 'quiet', 'ops'])
    const r = await api(server.url, '/api/v1/notifications/test', post({ owner: 'ops', channel: 'slack' }))
    expect(r.body).toMatchObject({ status: 'delivered', channel: 'slack' })
    expect(slack.requests.at(-1)!.body.text).toMatch(/^Crosswalk test message for ops/)
  })
})
