// Digests (issue #20): an owner's daily digest at 08:00 Europe/Paris, through a DST change, with
// the API's own numbers for the same as_of; never sent twice across a restart; a missed one
// sent once at start; the executives' weekly digest with every KPI and inline PNG charts. Mail
// goes to a local SMTP server (127.0.0.1) and is parsed with mailparser. The server's clock is a
// ManualClock and each pass is a tick(): no test waits on time.
import { afterAll, describe, expect, it } from 'vitest'
import type { ParsedMail } from 'mailparser'
import { DEMO_SOURCES, parseConfig } from '../server/config/load.ts'
import { ManualClock } from '../server/lib/clock.ts'
import { digestLease } from '../server/db/lease.ts'
import { KPI_NAMES, KPIS } from '../server/kpis/catalog.ts'
import { api } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'
import { json } from './helpers/access.ts'
import { smtpReceiver, type SmtpReceiver } from './helpers/channel-receivers.ts'
import { record } from '../server/notify/channels/index.ts'

const OWNER = 'finance-ops'
const OWNER_MAIL = 'finance-ops@firm.example'
const CFO = 'cfo@firm.example'
// Detected the day before the first digest, so its exceptions are new in it.
const DETECTED_AT = '2026-10-23T12:00:00.000Z'
const clock = new ManualClock('2026-10-24T05:00:00Z')
const at = (iso: string) => clock.advance(Date.parse(iso) - clock.now().getTime())

let smtp: SmtpReceiver
let config: ReturnType<typeof parseConfig>

const server = useServer(async () => {
  smtp = await smtpReceiver()
  config = parseConfig({
    sources: DEMO_SOURCES,
    smtp: { host: '127.0.0.1', port: smtp.port, secure: 'none', from: 'crosswalk@firm.example' },
    owners: [{ id: OWNER, type: 'team', email: OWNER_MAIL, digest: { frequency: 'daily', local_time: '08:00', time_zone: 'Europe/Paris' } }],
    executive_digest: { frequency: 'weekly', local_time: '08:00', time_zone: 'Europe/Paris', weekday: 'monday' },
    notify: { max_attempts: 2, backoff_ms: 10 },
  })
  return { config, clock, digestTickMs: 0, firm: true, detect: DETECTED_AT }
})
afterAll(() => smtp?.close())

const digests = () => server.services.digests!
async function tick() {
  const sent = await digests().tick()
  await digests().idle()
  return sent
}
// Digests only: the owner's exception alerts (opened, overdue) go to the same address.
const mailsTo = (to: string) => smtp.mails.filter((m) => m.envelopeTo.includes(to) && /^Crosswalk (digest|weekly)/.test(m.parsed.subject ?? '')).map((m) => m.parsed)

/** The exact figures the digest's HTML carries beside its rounded text. */
function facts(mail: ParsedMail) {
  const html = String(mail.html)
  const fact = (name: string) => {
    const m = new RegExp(`data-fact="${name}" data-count="(-?\\d+)" data-amount="([-\\d.]+)"`).exec(html)
    return m ? { count: Number(m[1]), amount: m[2] } : null
  }
  const ids = [...html.matchAll(/data-exception="([^"]+)"/g)].map((m) => m[1])
  return { open: fact('open'), overdue: fact('overdue'), new: fact('new'), change: fact('change'), ids }
}

describe('an owner digest, daily at 08:00 Europe/Paris', () => {
  it('is not sent before 08:00 Paris time (06:00 UTC in summer time)', async () => {
    await digests().idle()
    at('2026-10-24T05:59:59.999Z')
    expect(await tick()).toEqual([])
    expect(mailsTo(OWNER_MAIL)).toHaveLength(0)
  })

  it('arrives once at 06:00 UTC with the counts, amounts and top ten the API gives for the same as_of', async () => {
    at('2026-10-24T06:00:00.000Z')
    const sent = await tick()
    expect(sent).toEqual([{ recipient: `owner:${OWNER}`, kind: 'owner', period: '2026-10-24', as_of: '2026-10-24T06:00:00.000Z' }])
    const [mail, ...more] = mailsTo(OWNER_MAIL)
    expect(more).toHaveLength(0)
    expect(mail.subject).toContain(`Crosswalk digest for ${OWNER} (2026-10-24)`)
    // The dashboard's answers at the same instant (the server's clock is the digest's as_of).
    const byOwner = await api(server.url, `/api/v1/exceptions/summary?by=owner&owner=${OWNER}`)
    const byOverdue = await api(server.url, `/api/v1/exceptions/summary?by=overdue&owner=${OWNER}`)
    const top = await api(server.url, `/api/v1/exceptions?owner=${OWNER}&sort=-amount_at_risk&limit=10`)
    const all = await api(server.url, `/api/v1/exceptions?owner=${OWNER}&limit=10000`)
    const own = byOwner.body.items.find((i: any) => i.group === OWNER)
    const late = byOverdue.body.items.find((i: any) => i.group === 'overdue') ?? { count: 0, amount_at_risk: 0 }
    const f = facts(mail)
    expect(own.count).toBeGreaterThan(10)
    expect(f.open).toEqual({ count: own.count, amount: String(own.amount_at_risk) })
    expect(f.overdue).toEqual({ count: late.count, amount: String(late.amount_at_risk) })
    // Every one of them was first detected the day before: all new, and no change to compare yet.
    expect(all.body.items.every((i: any) => i.first_detected_at === DETECTED_AT)).toBe(true)
    expect(f.new).toEqual({ count: own.count, amount: String(own.amount_at_risk) })
    expect(f.change).toBeNull()
    expect(f.ids).toEqual(top.body.items.map((i: any) => i.id))
    expect(f.ids).toHaveLength(10)
    expect(mail.text).toContain(`Open: ${own.count} ·`)
    // Sent once: another pass at the same time, or later that morning, sends nothing.
    expect(await tick()).toEqual([])
    at('2026-10-24T09:30:00.000Z')
    expect(await tick()).toEqual([])
    expect(mailsTo(OWNER_MAIL)).toHaveLength(1)
  })

  it('after the change to winter time on 25 October, arrives at 07:00 UTC with the change since the last one, snoozed ones left out', async () => {
    // One of the owner's exceptions resolved meanwhile: the next digest shows one fewer.
    // And the next largest snoozed past that morning: left out of the digest as of the list.
    const [first, second] = (await api(server.url, `/api/v1/exceptions?owner=${OWNER}&sort=-amount_at_risk&limit=2`)).body.items
    const r = await api(server.url, `/api/v1/exceptions/${first.id}/actions`, json({ action: 'resolve', note: 'fixed in the ERP' }))
    expect(r.status).toBe(200)
    const z = await api(server.url, `/api/v1/exceptions/${second.id}/actions`, json({ action: 'snooze', until: '2026-11-20', note: 'waiting on the client' }))
    expect(z.status, JSON.stringify(z.body)).toBe(200)
    at('2026-10-25T06:00:00.000Z')
    expect(await tick()).toEqual([])
    at('2026-10-25T06:59:59.999Z')
    expect(await tick()).toEqual([])
    at('2026-10-25T07:00:00.000Z')
    expect((await tick()).map((s) => s.period)).toEqual(['2026-10-25'])
    const mails = mailsTo(OWNER_MAIL)
    expect(mails).toHaveLength(2)
    const f = facts(mails[1])
    const own = (await api(server.url, `/api/v1/exceptions/summary?by=owner&owner=${OWNER}`)).body.items.find((i: any) => i.group === OWNER)
    expect(f.open).toEqual({ count: own.count, amount: String(own.amount_at_risk) })
    expect(f.change?.count).toBe(-2)
    expect(Number(f.change?.amount)).toBeCloseTo(-Number(first.amount_at_risk) - Number(second.amount_at_risk), 6)
    expect(f.new).toEqual({ count: 0, amount: '0' })
    expect(f.ids).not.toContain(first.id)
    expect(f.ids).not.toContain(second.id)
    expect(f.ids).toEqual((await api(server.url, `/api/v1/exceptions?owner=${OWNER}&sort=-amount_at_risk&limit=10`)).body.items.map((i: any) => i.id))
  })

  it('is not sent again after a restart', async () => {
    await server.restart({ config, clock, digestTickMs: 0 })
    await digests().idle()
    expect(await tick()).toEqual([])
    expect(mailsTo(OWNER_MAIL)).toHaveLength(2)
  })

  it('when the server was down at 08:00 for three days, is sent once at start, not once per missed day', async () => {
    // Closed before the 26th's digest and started again on the 28th after its time.
    at('2026-10-28T10:00:00.000Z')
    await server.restart({ config, clock, digestTickMs: 0 })
    await digests().idle()
    expect(mailsTo(OWNER_MAIL)).toHaveLength(3)
    expect(await tick()).toEqual([])
    expect(mailsTo(OWNER_MAIL)).toHaveLength(3)
    expect((await digests().sent('owner')).map((s) => s.period).sort()).toEqual(['2026-10-24', '2026-10-25', '2026-10-28'])
    expect(mailsTo(OWNER_MAIL)[2].subject).toContain('(2026-10-28)')
  }, 120_000)
})

describe('the executive weekly digest', () => {
  it('e-mails every executive every KPI with its change and coverage, the five largest exceptions, and PNG charts inline', async () => {
    const u = await api(server.url, '/api/v1/users', json({ name: 'The CFO', email: CFO, role: 'executive', password: 'a-long-password-for-the-cfo' }))
    expect(u.status).toBe(201)
    expect(await tick()).toEqual([]) // first seen: owed from now on
    at('2026-11-02T06:59:00.000Z')
    expect((await tick()).filter((s) => s.kind === 'executive')).toEqual([])
    at('2026-11-02T07:00:00.000Z') // Monday 08:00 in Paris (winter time)
    const sent = await tick()
    expect(sent.filter((s) => s.kind === 'executive')).toEqual([{ recipient: `user:${u.body.id}`, kind: 'executive', period: '2026-11-02', as_of: '2026-11-02T07:00:00.000Z' }])
    const [mail, ...more] = mailsTo(CFO)
    expect(more).toHaveLength(0)
    const html = String(mail.html)
    // Every KPI, with the value the API gives for the same as_of and period, its change and coverage.
    const asOf = '2026-11-02T07:00:00.000Z'
    for (const name of KPI_NAMES) {
      const row = new RegExp(`<tr data-kpi="${name}" data-value="([^"]*)" data-previous="([^"]*)" data-coverage="([^"]*)">(.*?)</tr>`).exec(html)
      expect(row, name).not.toBeNull()
      const k = await api(server.url, `/api/v1/kpis/${name}?as_of=${asOf}&from=2026-10-26&to=2026-11-01`)
      expect(k.status).toBe(200)
      expect(row![1] === '' ? null : Number(row![1]), name).toBe(k.body.value === null ? null : Number(k.body.value))
      expect(Number(row![3]), name).toBe(k.body.coverage)
      expect(row![4]).toContain(KPIS[name].title)
      const cells = [...row![4].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1])
      // Value, change against the week before, coverage.
      expect(cells).toHaveLength(4)
      if (row![1] !== '' && row![2] !== '') expect(cells[2]).toMatch(/^[+−]/)
      expect(cells[3]).toMatch(/%$/)
    }
    // The five largest, in the list's order.
    const top = await api(server.url, '/api/v1/exceptions?sort=-amount_at_risk&limit=5')
    expect([...html.matchAll(/data-exception="([^"]+)"/g)].map((m) => m[1])).toEqual(top.body.items.map((i: any) => i.id))
    // Charts: PNG parts, each referenced by cid: in the HTML, and no remote image.
    const pngs = mail.attachments.filter((a) => a.contentType === 'image/png')
    expect(pngs.length).toBeGreaterThanOrEqual(2)
    for (const p of pngs) {
      expect(p.content.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
      expect(p.content.subarray(12, 16).toString('latin1')).toBe('IHDR')
      expect(p.content.readUInt32BE(16)).toBeGreaterThanOrEqual(400) // width
      expect(p.content.readUInt32BE(20)).toBeGreaterThanOrEqual(100) // height
      expect(p.content.length).toBeGreaterThan(2_000)
      // Inline and referenced from the HTML by cid: (mailparser swaps each cid: reference it
      // resolves for the part's data, so the part's bytes in an <img> prove the reference).
      expect(p.cid).toBeTruthy()
      expect(p.related).toBe(true)
      expect(html).toContain(`<img src="data:image/png;base64,${p.content.toString('base64').slice(0, 200)}`)
    }
    expect(html).not.toMatch(/<img[^>]+src="https?:/)
  }, 300_000)
})

describe('a digest a stopped server left pending', () => {
  it('goes out at the next start to the executive it was for, who is no configured owner', async () => {
    const users = await api(server.url, '/api/v1/users')
    const cfo = users.body.items.find((u: { email: string }) => u.email === CFO)
    const recipient = `user:${cfo.id}`
    const before = mailsTo(CFO).length
    // What a server killed after storing the delivery (digests record first) and before sending leaves.
    const stored = await record(server.db, { ...config, owners: [...config.owners, { id: recipient, type: 'person', email: CFO }] } as typeof config, recipient, 'email', {
      event: 'digest', owner: recipient, subject: 'Crosswalk weekly: left pending', text: 'The week.', count: 0, amount_at_risk: 0, exceptions: [],
    })
    await server.restart({ config, clock, digestTickMs: 0 })
    await server.services.notifier.idle()
    const mails = mailsTo(CFO)
    expect(mails).toHaveLength(before + 1)
    expect(mails.at(-1)!.subject).toBe('Crosswalk weekly: left pending')
    const listed = await api(server.url, '/api/v1/notifications')
    expect(listed.body.items.find((n: { id: string }) => n.id === stored.id)).toMatchObject({ owner: recipient, channel: 'email', status: 'delivered', attempts: 1 })
  }, 120_000)
})

describe('several servers on one ClickHouse', () => {
  it('one sends each digest pass: another skips it while the first holds the lease, and nothing goes twice', async () => {
    at('2026-11-03T07:00:00.000Z') // the owner's daily digest is due
    const other = digestLease(server.db, { clock })
    expect('holder' in (await other.tryAcquire('pass-on-another-server'))).toBe(false)
    const sent = await tick()
    if (server.db.engine === 'chdb') {
      // One process owns an embedded data dir: any other holder is a dead process.
      expect(sent.map((s) => `${s.recipient} ${s.period}`)).toContain(`owner:${OWNER} 2026-11-03`)
    } else {
      expect(sent).toEqual([])
      await other.release()
      expect((await tick()).map((s) => `${s.recipient} ${s.period}`)).toContain(`owner:${OWNER} 2026-11-03`)
    }
    expect(await tick()).toEqual([])
    expect(mailsTo(OWNER_MAIL).filter((m) => m.subject?.includes('(2026-11-03)'))).toHaveLength(1)
  }, 120_000)
})
