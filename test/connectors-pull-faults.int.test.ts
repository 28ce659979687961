// Pulls that meet trouble (CONTRACT §8), through the real server and real HTTP against the
// imitations of Salesforce and Workday (firm-small's crm and hr): a 429 with Retry-After, a 5xx
// and a token expiring mid-run are survived; wrong credentials end the run `failed` in words with
// no secret anywhere; an unmapped code and a bad value go to dead letters naming the field; a
// firm's field override changes what is stored; a full listing deletes what disappeared and a
// listing cut short deletes nothing.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Fault } from '../ingest/imitations/index.ts'
import { sfDateTime } from '../ingest/imitations/formats.ts'
import { ManualClock } from '../server/lib/clock.ts'
import { parseConfig } from '../server/config/load.ts'
import { useServer } from './helpers/fixture.ts'
import { api } from './helpers/server.ts'
import { connectorBlocks, counts, deadLetters, FIRM, pull, SECRETS, secretsEnv, startImitations, stored, type Imitations } from './connectors-pull.support.ts'

const clock = new ManualClock('2026-06-30T10:00:00Z')
const faults: Record<'salesforce' | 'workday', Fault[]> = { salesforce: [], workday: [] }
const BAD_SECRET = 'not-the-secret-5f3a9c'
let im: Imitations

/** Every line the server logs (its log option and the console), to check no secret is in them. */
const logged: string[] = []

describe('pulls that meet trouble', () => {
  const server = useServer(async () => {
    im = await startImitations(clock, { faults, vendors: ['salesforce', 'workday'], options: { salesforce: { pageSize: 25 } } })
    // A firm's custom field: the deal owner's email is read from Deal_Owner_Email__c.
    for (const o of im.native.salesforce.Opportunity) o.Deal_Owner_Email__c = `owner+${String(o.Crosswalk_Key__c).toLowerCase()}@firm.example`
    secretsEnv()
    process.env.CWT_BAD_SECRET = BAD_SECRET
    const blocks = connectorBlocks(im.ims)
    const config = parseConfig(
      {
        sources: [
          {
            system: 'salesforce', kind: 'crm',
            connector: { ...blocks.salesforce, limits: { retries: 2 }, entities: { opportunity: { fields: { owner_email: 'Deal_Owner_Email__c' } } } },
          },
          { system: 'workday', kind: 'hr', connector: blocks.workday },
          // The same tenant with a wrong client secret.
          { system: 'sfwrong', kind: 'crm', connector: { ...blocks.salesforce, auth: { type: 'client_credentials', client_id: 'sf-client', client_secret: '${CWT_BAD_SECRET}' } } },
        ],
      },
      'test config',
    )
    return { clock, config, log: (l: string) => void logged.push(l) }
  })
  afterAll(() => im?.close())

  beforeAll(() => {
    for (const m of ['log', 'error', 'warn', 'info'] as const) vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(' ')))
  })
  afterAll(() => vi.restoreAllMocks())

  const firm = (entity: string, system = 'salesforce') => FIRM.records[system][entity].length

  it('survives a 429 with Retry-After, a 5xx and a token expiring mid-run, and stores every record once', async () => {
    // Second, third and fourth SOQL requests: 429 (wait 30 s), 503, and every token revoked.
    faults.salesforce.push(
      { request: 2, path: '/query', type: 'rate_limit', retryAfter: 30 },
      { request: 3, path: '/query', type: 'status', status: 503 },
      { request: 4, path: '/query', type: 'expire_token' },
    )
    const tokensBefore = im.ims.salesforce.stats.byPath['/services/oauth2/token'] ?? 0
    const run = await pull(server.url, 'salesforce', 'full')
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'ok', error: null, rejected: 0, records: firm('account') + firm('opportunity') })
    expect(im.ims.salesforce.stats.faultsFired.map((f) => f.split('@')[0])).toEqual(['rate_limit', 'status', 'expire_token'])
    expect(clock.sleeps).toContain(30_000) // Retry-After honoured on the server's clock
    expect(im.ims.salesforce.stats.byPath['/services/oauth2/token'] - tokensBefore).toBe(2) // a fresh token after the expiry
    expect(await counts(server.url)).toMatchObject({ 'salesforce/account': firm('account'), 'salesforce/opportunity': firm('opportunity') })
  })

  it('a field override in the config changes what is stored', async () => {
    const opps = await stored(server.db, 'opportunity', 'crm', 'salesforce')
    expect(opps.size).toBe(firm('opportunity'))
    for (const [key, o] of opps) expect(o.owner_email).toBe(`owner+${key.toLowerCase()}@firm.example`)
  })

  it('an unmapped code and a bad value go to dead letters naming the field; the rest is stored', async () => {
    const rows = im.native.workday.Report_Entry
    expect(await pull(server.url, 'workday', 'full')).toMatchObject({ status: 'ok', rejected: 0, records: rows.length })
    const unmapped = rows[0]
    const bad = rows[1]
    unmapped.Employee_Type = 'Seasonal Intern'
    bad.Start_Date = '2026-13-45'
    clock.advance(60_000)
    const run = await pull(server.url, 'workday', 'full')
    expect(run).toMatchObject({ status: 'ok', rejected: 2, records: rows.length - 2 })
    const dead = await deadLetters(server.url, '&system=workday')
    expect(dead).toHaveLength(2)
    const of = (key: string) => dead.find((d) => d.raw.includes(key))
    expect(of(unmapped.Employee_ID)).toMatchObject({ system: 'workday', entity: 'resource' })
    expect(of(unmapped.Employee_ID).errors.map((e: any) => e.field)).toEqual(['employment_type'])
    expect(of(unmapped.Employee_ID).reason).toContain('Seasonal Intern')
    expect(of(bad.Employee_ID).errors.map((e: any) => e.field)).toEqual(['hire_date'])
    expect(of(bad.Employee_ID).reason).toContain('2026-13-45')
    expect(of(unmapped.Employee_ID).key).toBe(unmapped.Employee_ID)
    // A rejected record whose key could be read still counts as present in the full listing:
    // its last good version stays, nothing is deleted.
    expect((await counts(server.url))['workday/resource']).toBe(rows.length)
    expect((await stored(server.db, 'resource', 'hr', 'workday')).get(unmapped.Employee_ID)).toMatchObject({ employment_type: 'employee' })
    // A report has no cursor: asked for an incremental pull, the run says what it did, a full one.
    clock.advance(60_000)
    expect(await pull(server.url, 'workday', 'incremental')).toMatchObject({ status: 'ok', mode: 'full', rejected: 2 })
  })

  it('wrong credentials end the run failed, in words, with no secret in the run, the list or the logs', async () => {
    const run = await pull(server.url, 'sfwrong', 'full')
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/credential|client/i)
    expect(run.error).not.toMatch(/^\s+at /m)
    expect(run.records).toBe(0)
    const runs = await api(server.url, '/api/v1/sources/sfwrong/runs')
    const sources = await api(server.url, '/api/v1/sources')
    expect(sources.body.items.find((s: any) => s.system === 'sfwrong').connector.last_run).toMatchObject({ status: 'failed', error: run.error })
    const t = await api(server.url, `/api/v1/transactions/${run.run_id.replace(/-/g, '')}`)
    expect(t.body).toMatchObject({ workflow: 'collect', status: 'failed' })
    const more = await Promise.all(['/api/v1/settings', '/api/v1/health', '/api/v1/transactions?workflow=collect'].map((p) => api(server.url, p)))
    const everything = [JSON.stringify(runs.body), JSON.stringify(sources.body), JSON.stringify(t.body), ...more.map((r) => JSON.stringify(r.body)), ...logged].join('\n')
    expect(logged.join('\n')).toContain(run.error) // the failure is logged, in the same words
    for (const secret of [BAD_SECRET, ...Object.values(SECRETS)]) expect(everything).not.toContain(secret)
  })

  it('a full listing deletes a record that disappeared; a listing cut short deletes nothing', async () => {
    // Workday: one worker is gone from the report.
    const rows = im.native.workday.Report_Entry
    const gone = rows.splice(5, 1)[0]
    clock.advance(3_600_000)
    expect(await pull(server.url, 'workday', 'full')).toMatchObject({ status: 'ok' })
    const people = await stored(server.db, 'resource', 'hr', 'workday')
    expect(people.has(gone.Employee_ID)).toBe(false)
    expect((await counts(server.url))['workday/resource']).toBe(rows.length)

    // Salesforce: one deal is gone, and the listing fails on its second page (3 tries: 500s).
    const opps = im.native.salesforce.Opportunity
    const lost = opps.splice(40, 1)[0]
    for (let n = 1; n <= 3; n++) faults.salesforce.push({ request: n, path: '/query/', type: 'status', status: 500 })
    clock.advance(3_600_000)
    const cut = await pull(server.url, 'salesforce', 'full')
    expect(cut.status).toBe('failed')
    expect(cut.error).toMatch(/500/)
    expect(cut.pages).toBeGreaterThan(0)
    const still = await stored(server.db, 'opportunity', 'crm', 'salesforce')
    expect(still.has(String(lost.Crosswalk_Key__c))).toBe(true)
    expect(still.size).toBe(firm('opportunity'))

    // The next full listing completes and deletes it.
    clock.advance(3_600_000)
    expect(await pull(server.url, 'salesforce', 'full')).toMatchObject({ status: 'ok', error: null })
    const after = await stored(server.db, 'opportunity', 'crm', 'salesforce')
    expect(after.has(String(lost.Crosswalk_Key__c))).toBe(false)
    expect(after.size).toBe(firm('opportunity') - 1)
  })

  it('a deal read before its account waits, and resolves once the account is in', async () => {
    clock.advance(3_600_000)
    const t0 = clock.now().getTime()
    const sf = im.native.salesforce
    const account = { ...sf.Account[0], Id: '001IM9999999999', Crosswalk_Key__c: 'ACC-LATE', Name: 'Late Account', SystemModstamp: sfDateTime(new Date(t0 - 1_000).toISOString()) }
    const deal = {
      ...sf.Opportunity[0], Id: '006IM9999999999', Crosswalk_Key__c: 'OPP-EARLY', Name: 'Early deal', AccountId: account.Id,
      Deal_Owner_Email__c: 'owner+opp-early@firm.example', SystemModstamp: sfDateTime(new Date(t0 - 600_000).toISOString()),
    }
    // The deal is there from the start; its account appears after the accounts were read.
    sf.Opportunity.push(deal)
    faults.salesforce.push({ request: 2, path: '/query', type: 'mutate', apply: () => void sf.Account.push(account) })
    const first = await pull(server.url, 'salesforce', 'incremental')
    expect(first).toMatchObject({ status: 'ok', records: 0, rejected: 1 })
    // Sent without the account it names (missing counts as missing: never the native id).
    const dead = (await deadLetters(server.url, '&system=salesforce')).filter((d) => d.key === 'OPP-EARLY')
    expect(dead).toHaveLength(1)
    expect(dead[0].errors.map((e: any) => e.field)).toEqual(['account_key'])
    expect(dead[0].raw).not.toContain(account.Id)

    // The next pull reads the account (the deal is outside its window): the deal is sent again, resolved.
    clock.advance(3_600_000)
    const second = await pull(server.url, 'salesforce', 'incremental')
    expect(second).toMatchObject({ status: 'ok', rejected: 0, records: 2 })
    const opps = await stored(server.db, 'opportunity', 'crm', 'salesforce')
    expect(opps.get('OPP-EARLY')).toMatchObject({ account_key: 'ACC-LATE', name: 'Early deal' })
    // Its dead letter is no longer pending: replayed by the connector into the resolving batch.
    const pending = (await deadLetters(server.url, '&system=salesforce&status=pending')).filter((d) => d.key === 'OPP-EARLY')
    expect(pending).toHaveLength(0)
    const replayed = (await deadLetters(server.url, '&system=salesforce&status=replayed')).filter((d) => d.key === 'OPP-EARLY')
    expect(replayed).toHaveLength(1)
    // Resolved once: a third pull sends nothing again.
    clock.advance(3_600_000)
    expect(await pull(server.url, 'salesforce', 'incremental')).toMatchObject({ status: 'ok', records: 0, rejected: 0 })
  })
})
