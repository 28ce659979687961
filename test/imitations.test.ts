// The vendor imitations answer the shapes REFERENCE.md documents, page to an exact end, refuse
// bad credentials, and fire their faults exactly where configured. Small hand-made data sets keep
// each assertion about one behaviour; one test converts firm-small to check units end to end.
import { parse } from 'lossless-json'
import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../server/lib/clock.ts'
import { pollUntil } from './helpers/wait.ts'
import {
  nativeFirm, NETSUITE_DEFAULT_CREDENTIALS, readCanonicalFirm, signTba, startDynamicsImitation, startHarvestImitation,
  startKantataImitation, startNetSuiteImitation, startSalesforceImitation, startWorkdayImitation, type Imitation,
} from '../ingest/imitations/index.ts'

const open: Imitation[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((i) => i.close()))
})
async function track<T extends Imitation>(p: Promise<T>): Promise<T> {
  const i = await p
  open.push(i)
  return i
}
const text = async (r: Response) => parse(await r.text()) as any

describe('salesforce', () => {
  const acc = (n: number, extra: object = {}) => ({ Id: `001RO${n}`, Name: `Acme ${n}`, IsDeleted: false, SystemModstamp: `2026-06-0${n}T10:00:00.000+0000`, ...extra })
  const data = () => ({
    Account: [acc(1), acc(2), acc(3), acc(4, { IsDeleted: true })],
    Opportunity: [{ Id: '006RO1', Name: 'Deal', AccountId: '001RO2', StageName: 'Closed Won', IsWon: true, IsDeleted: false, SystemModstamp: '2026-06-05T00:00:00.000+0000' }],
  })
  async function login(url: string, secret = 'sf-secret') {
    return fetch(`${url}/services/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'sf-client', client_secret: secret }) })
  }

  it('pages a query with nextRecordsUrl to an exactly full last page, with relationship objects and the limit header', async () => {
    const sf = await track(startSalesforceImitation({ data: data(), pageSize: 2, apiUsage: { used: 10, max: 100 } }))
    const { access_token, instance_url } = await (await login(sf.url)).json()
    expect(instance_url).toBe(sf.url)
    const h = { Authorization: `Bearer ${access_token}` }
    const q = encodeURIComponent('SELECT Id, Name FROM Account WHERE SystemModstamp >= 2026-06-02T00:00:00Z ORDER BY SystemModstamp')
    const r1 = await fetch(`${sf.url}/services/data/v62.0/query?q=${q}`, { headers: h })
    expect(r1.headers.get('sforce-limit-info')).toBe('api-usage=11/100')
    const p1 = await r1.json()
    expect(p1).toMatchObject({ totalSize: 2, done: true })
    expect(p1.nextRecordsUrl).toBeUndefined()
    expect(p1.records.map((r: any) => r.Id)).toEqual(['001RO2', '001RO3'])
    expect(p1.records[0].attributes).toEqual({ type: 'Account', url: '/services/data/v62.0/sobjects/Account/001RO2' })

    const all = await (await fetch(`${sf.url}/services/data/v62.0/queryAll?q=${encodeURIComponent('SELECT Id, IsDeleted FROM Account ORDER BY Id')}`, { headers: h })).json()
    expect(all).toMatchObject({ totalSize: 4, done: false })
    expect(all.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g/)
    const p2 = await (await fetch(`${sf.url}${all.nextRecordsUrl}`, { headers: h })).json()
    expect(p2.done).toBe(true)
    expect(p2.records.map((r: any) => [r.Id, r.IsDeleted])).toEqual([['001RO3', false], ['001RO4', true]])

    const opp = await (await fetch(`${sf.url}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id, Account.Name FROM Opportunity')}`, { headers: h })).json()
    expect(opp.records[0].Account).toEqual({ attributes: { type: 'Account', url: '/services/data/v62.0/sobjects/Account/001RO2' }, Name: 'Acme 2' })
    const none = await (await fetch(`${sf.url}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Account WHERE Name = \'nobody\'')}`, { headers: h })).json()
    expect(none).toEqual({ totalSize: 0, done: true, records: [] })
  })

  it('refuses a bad secret and a missing token, expires tokens on the clock and by fault, and stops at the daily budget', async () => {
    const clock = new ManualClock('2026-06-30T10:00:00Z')
    const sf = await track(startSalesforceImitation({ data: data(), clock, tokenTtlSeconds: 60, apiUsage: { used: 98, max: 100 }, faults: [{ request: 2, path: '/query', type: 'expire_token' }] }))
    expect((await (await login(sf.url, 'wrong')).json()).error).toBe('invalid_client')
    const url = `${sf.url}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Account')}`
    expect(await (await fetch(url)).json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }])
    let tok = (await (await login(sf.url)).json()).access_token
    expect((await fetch(url, { headers: { Authorization: `Bearer ${tok}` } })).status).toBe(401) // the fault on /query request 2
    tok = (await (await login(sf.url)).json()).access_token
    expect((await fetch(url, { headers: { Authorization: `Bearer ${tok}` } })).status).toBe(200)
    clock.advance(61_000)
    expect((await fetch(url, { headers: { Authorization: `Bearer ${tok}` } })).status).toBe(401)
    tok = (await (await login(sf.url)).json()).access_token
    const r = await fetch(url, { headers: { Authorization: `Bearer ${tok}` } })
    expect(r.status).toBe(200)
    expect(r.headers.get('sforce-limit-info')).toBe('api-usage=100/100')
    const over = await fetch(url, { headers: { Authorization: `Bearer ${tok}` } })
    expect(over.status).toBe(403)
    expect((await over.json())[0].errorCode).toBe('REQUEST_LIMIT_EXCEEDED')
    expect(sf.stats.authFailures).toBe(3)
    expect(sf.stats.faultsFired).toEqual(['expire_token@4'])
  })

  it('answers Bulk API 2.0 results as CSV pages ending with the locator "null"', async () => {
    const sf = await track(startSalesforceImitation({ data: data(), bulkPollsInProgress: 0 }))
    const h = { Authorization: `Bearer ${(await (await login(sf.url)).json()).access_token}`, 'Content-Type': 'application/json' }
    const base = `${sf.url}/services/data/v62.0/jobs/query`
    const job = await (await fetch(base, { method: 'POST', headers: h, body: JSON.stringify({ operation: 'queryAll', query: 'SELECT Id, Name FROM Account ORDER BY Id' }) })).json()
    expect(job).toMatchObject({ operation: 'queryAll', object: 'Account', state: 'UploadComplete', contentType: 'CSV' })
    expect((await (await fetch(`${base}/${job.id}`, { headers: h })).json()).state).toBe('JobComplete')
    const r1 = await fetch(`${base}/${job.id}/results?maxRecords=3`, { headers: h })
    expect(r1.headers.get('sforce-numberofrecords')).toBe('3')
    expect(await r1.text()).toBe('"Id","Name"\n"001RO1","Acme 1"\n"001RO2","Acme 2"\n"001RO3","Acme 3"\n')
    const r2 = await fetch(`${base}/${job.id}/results?maxRecords=3&locator=${r1.headers.get('sforce-locator')}`, { headers: h })
    expect(r2.headers.get('sforce-locator')).toBe('null')
    expect(await r2.text()).toBe('"Id","Name"\n"001RO4","Acme 4"\n')
    expect((await fetch(`${sf.url}/services/data/v61.0/jobs/query/${job.id}/results`, { headers: h })).status).toBe(409)
  })
})

describe('netsuite', () => {
  const creds = NETSUITE_DEFAULT_CREDENTIALS
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i + 1), isbillable: i % 2 ? 'F' : 'T', hours: '7.5', trandate: `3/${i + 1}/2025`, lastmodifieddate: `3/${i + 1}/2025 9:00:00 am` }))
  let nonce = 0
  async function suiteql(url: string, q: string, params = '', opts: { secret?: string; prefer?: string | null; now?: number } = {}) {
    const u = `${url}/services/rest/query/v1/suiteql${params}`
    const auth = signTba('POST', u, { ...creds, tokenSecret: opts.secret ?? creds.tokenSecret }, `n${++nonce}`, opts.now ?? Math.floor(Date.parse('2026-06-30T10:00:00Z') / 1000))
    const headers: Record<string, string> = { Authorization: auth, 'Content-Type': 'application/json' }
    if (opts.prefer !== null) headers.Prefer = opts.prefer ?? 'transient'
    return fetch(u, { method: 'POST', headers, body: JSON.stringify({ q }) })
  }
  const clock = () => new ManualClock('2026-06-30T10:00:00Z')

  it('answers the documented envelope with NetSuite value text, pages by offset to an exact end, and caps offsets', async () => {
    const ns = await track(startNetSuiteImitation({ data: { timebill: rows(4) }, clock: clock(), offsetCap: 4 }))
    const p1 = await (await suiteql(ns.url, 'SELECT id, hours, isbillable, trandate FROM timebill ORDER BY id', '?limit=2')).json()
    expect(p1).toMatchObject({ count: 2, hasMore: true, offset: 0, totalResults: 4 })
    expect(p1.items[0]).toEqual({ links: [], id: '1', hours: '7.5', isbillable: 'T', trandate: '3/1/2025' })
    expect(p1.links.find((l: any) => l.rel === 'next').href).toBe(`${ns.url}/services/rest/query/v1/suiteql?limit=2&offset=2`)
    const p2 = await (await suiteql(ns.url, 'SELECT id FROM timebill ORDER BY id', '?limit=2&offset=2')).json()
    expect(p2).toMatchObject({ count: 2, hasMore: false, offset: 2 })
    expect(p2.links.map((l: any) => l.rel)).toEqual(['last', 'self'])
    expect((await suiteql(ns.url, 'SELECT id FROM timebill ORDER BY id', '?limit=2&offset=4')).status).toBe(400)
    const keyset = await (await suiteql(ns.url, "SELECT id FROM timebill WHERE id > 2 AND lastmodifieddate >= TO_DATE('2025-03-04 00:00:00', 'YYYY-MM-DD HH24:MI:SS') ORDER BY id")).json()
    expect(keyset.items.map((i: any) => i.id)).toEqual(['4'])
    const empty = await (await suiteql(ns.url, 'SELECT id FROM timebill WHERE id > 99')).json()
    expect(empty).toMatchObject({ count: 0, hasMore: false, items: [], totalResults: 0 })
  })

  it('verifies the TBA signature, timestamp and nonce, and needs Prefer: transient', async () => {
    const ns = await track(startNetSuiteImitation({ data: { timebill: rows(1) }, clock: clock() }))
    const bad = await suiteql(ns.url, 'SELECT id FROM timebill', '', { secret: 'wrong' })
    expect(bad.status).toBe(401)
    expect((await bad.json())['o:errorDetails'][0]['o:errorCode']).toBe('INVALID_LOGIN')
    expect((await suiteql(ns.url, 'SELECT id FROM timebill', '', { now: Math.floor(Date.parse('2026-06-30T09:00:00Z') / 1000) })).status).toBe(401)
    expect((await fetch(`${ns.url}/services/rest/query/v1/suiteql`, { method: 'POST', headers: { Prefer: 'transient' }, body: '{}' })).status).toBe(401)
    expect((await suiteql(ns.url, 'SELECT id FROM timebill', '', { prefer: null })).status).toBe(400)
    expect((await suiteql(ns.url, 'SELECT id FROM timebill', '?limit=5')).status).toBe(200)
    expect(ns.stats.authFailures).toBe(3)
  })

  it('answers 429 past the concurrency limit while a request hangs', async () => {
    const ns = await track(startNetSuiteImitation({ data: { timebill: rows(1) }, clock: clock(), concurrency: 1, faults: [{ request: 1, type: 'hang' }] }))
    const hung = suiteql(ns.url, 'SELECT id FROM timebill').catch(() => 'closed')
    // The first request is in and hanging before the second is sent.
    await pollUntil(() => ns.stats.faultsFired.length === 1, 5)
    const r = await suiteql(ns.url, 'SELECT id FROM timebill')
    expect(r.status).toBe(429)
    expect(ns.stats.faultsFired).toEqual(['hang@1'])
    await ns.close()
    expect(await hung).toBe('closed')
  })
})

describe('dynamics', () => {
  const te = (n: number, status = 192350002) => ({
    msdyn_timeentryid: `00000000-0000-0000-0000-00000000000${n}`, msdyn_date: `2025-03-0${n}T12:00:00Z`, msdyn_duration: 450, msdyn_entrystatus: status,
    modifiedon: `2025-03-0${n}T09:15:22Z`, versionnumber: 5123456 + n, __fv: { msdyn_entrystatus: status === 192350002 ? 'Approved' : 'Draft' },
  })
  async function token(url: string, secret = 'dv-secret') {
    const r = await fetch(`${url}/imitation-tenant/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'dv-client', client_secret: secret, scope: `${url}/.default` }) })
    return { status: r.status, body: await r.json() }
  }

  it('pages with odata.maxpagesize, annotates option sets, and tracks changes with $deletedEntity', async () => {
    const data = { msdyn_timeentries: [te(1), te(2), te(3, 192350000)] }
    const dv = await track(startDynamicsImitation({ data }))
    const { body } = await token(dv.url)
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 })
    const h = { Authorization: `Bearer ${body.access_token}`, Prefer: 'odata.maxpagesize=2,odata.track-changes,odata.include-annotations="OData.Community.Display.V1.FormattedValue"' }
    const r1 = await fetch(`${dv.url}/api/data/v9.2/msdyn_timeentries?$select=msdyn_date,msdyn_duration,msdyn_entrystatus`, { headers: h })
    const p1 = await r1.json()
    expect(p1['@odata.context']).toBe(`${dv.url}/api/data/v9.2/$metadata#msdyn_timeentries(msdyn_date,msdyn_duration,msdyn_entrystatus)`)
    expect(p1.value[0]).toEqual({ '@odata.etag': 'W/"5123457"', msdyn_date: '2025-03-01T12:00:00Z', msdyn_duration: 450, msdyn_entrystatus: 192350002, 'msdyn_entrystatus@OData.Community.Display.V1.FormattedValue': 'Approved' })
    expect(p1['@odata.deltaLink']).toBeUndefined()
    const p2 = await (await fetch(p1['@odata.nextLink'], { headers: h })).json()
    expect(p2.value).toHaveLength(1)
    expect(p2['@odata.nextLink']).toBeUndefined()
    const delta = p2['@odata.deltaLink'] as string
    expect(delta).toContain('$deltatoken=')

    data.msdyn_timeentries.splice(1, 1) // entry 2 deleted
    data.msdyn_timeentries[1] = { ...te(3), modifiedon: '2025-03-05T00:00:00Z' } // entry 3 approved
    const d = await (await fetch(delta, { headers: h })).json()
    expect(d.value.map((v: any) => v.id ?? v.msdyn_entrystatus)).toEqual([192350002, '00000000-0000-0000-0000-000000000002'])
    expect(d.value[1]).toEqual({ '@odata.context': `${dv.url}/api/data/v9.2/$metadata#msdyn_timeentries/$deletedEntity`, id: '00000000-0000-0000-0000-000000000002', reason: 'deleted' })
    const again = await (await fetch(d['@odata.deltaLink'], { headers: h })).json()
    expect(again.value).toEqual([])
  })

  it('answers everything again for an expired delta token, filters modifiedon, refuses bad secrets and rate-limits with Retry-After', async () => {
    const clock = new ManualClock('2026-06-30T10:00:00Z')
    const dv = await track(startDynamicsImitation({ data: { msdyn_timeentries: [te(1), te(2)] }, clock, deltaTokenDays: 30, rateLimit: { requests: 3, windowSeconds: 300 } }))
    expect((await token(dv.url, 'nope')).status).toBe(401)
    const h = { Authorization: `Bearer ${(await token(dv.url)).body.access_token}`, Prefer: 'odata.track-changes' }
    const first = await (await fetch(`${dv.url}/api/data/v9.2/msdyn_timeentries`, { headers: h })).json()
    clock.advance(31 * 86_400_000)
    const h2 = { ...h, Authorization: `Bearer ${(await token(dv.url)).body.access_token}` }
    expect((await (await fetch(first['@odata.deltaLink'], { headers: h2 })).json()).value).toHaveLength(2)
    const f = await (await fetch(`${dv.url}/api/data/v9.2/msdyn_timeentries?$filter=modifiedon ge 2025-03-02T00:00:00Z`, { headers: h2 })).json()
    expect(f.value.map((v: any) => v.msdyn_timeentryid)).toEqual(['00000000-0000-0000-0000-000000000002'])
    expect((await fetch(`${dv.url}/api/data/v9.2/msdyn_timeentries`, { headers: h2 })).status).toBe(200)
    const limited = await fetch(`${dv.url}/api/data/v9.2/msdyn_timeentries`, { headers: h2 })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})

describe('workday', () => {
  it('answers Report_Entry with basic auth, and omits it for an empty report', async () => {
    const rows = [{ Employee_ID: '21001', Full_Name: 'Jane Doe', Active: '0' }]
    const data = { Report_Entry: rows }
    const wd = await track(startWorkdayImitation({ data }))
    const auth = { Authorization: `Basic ${Buffer.from('ISU_Crosswalk:wd-password').toString('base64')}` }
    expect(await (await fetch(wd.reportUrl, { headers: auth })).json()).toEqual({ Report_Entry: rows })
    expect((await fetch(wd.reportUrl, { headers: { Authorization: `Basic ${Buffer.from('ISU_Crosswalk:nope').toString('base64')}` } })).status).toBe(401)
    data.Report_Entry = []
    expect(await (await fetch(wd.reportUrl, { headers: auth })).json()).toEqual({})
    expect(wd.stats.authFailures).toBe(1)
  })
})

describe('kantata', () => {
  const te = (id: string, ws: string) => ({ id, workspace_id: ws, time_in_minutes: 450, updated_at: `2025-03-0${id}T09:15:22-08:00` })
  const data = () => ({ time_entries: ['1', '2', '3', '4'].map((i) => te(i, '33001')), workspaces: [{ id: '33001', title: 'Acme' }] })
  const h = { Authorization: 'Bearer kantata-token' }

  it('pages with meta to an exact end and side-loads includes into id-keyed maps', async () => {
    const kt = await track(startKantataImitation({ data: data() }))
    const p2 = await (await fetch(`${kt.url}/api/v1/time_entries.json?per_page=2&page=2&include=workspace`, { headers: h })).json()
    expect(p2.meta).toEqual({ count: 4, page_count: 2, page_number: 2, page_size: 2 })
    expect(p2.results).toEqual([{ key: 'time_entries', id: '3' }, { key: 'time_entries', id: '4' }])
    expect(Object.keys(p2.time_entries)).toEqual(['3', '4'])
    expect(p2.workspaces).toEqual({ 33001: { id: '33001', title: 'Acme' } })
    const p3 = await (await fetch(`${kt.url}/api/v1/time_entries.json?per_page=2&page=3`, { headers: h })).json()
    expect(p3).toMatchObject({ count: 4, results: [], time_entries: {} })
    const since = await (await fetch(`${kt.url}/api/v1/time_entries.json?updated_after=2025-03-03T17:15:22Z`, { headers: h })).json()
    expect(since.results.map((r: any) => r.id)).toEqual(['4'])
    expect((await fetch(`${kt.url}/api/v1/time_entries.json?per_page=201`, { headers: h })).status).toBe(422)
    expect((await fetch(`${kt.url}/api/v1/time_entries.json`, { headers: { Authorization: 'Bearer nope' } })).status).toBe(401)
  })

  it('fires 429, 5xx and a mid-run record change on the configured requests', async () => {
    const d = data()
    const kt = await track(startKantataImitation({ data: d, faults: [
      { request: 1, type: 'rate_limit', retryAfter: 7 }, { request: 2, type: 'status', status: 502 },
      { request: 4, type: 'mutate', apply: () => d.time_entries.splice(0, 1) },
    ] }))
    const get = (page: number) => fetch(`${kt.url}/api/v1/time_entries.json?per_page=2&page=${page}`, { headers: h })
    const r1 = await get(1)
    expect([r1.status, r1.headers.get('retry-after')]).toEqual([429, '7'])
    expect((await get(1)).status).toBe(502)
    expect((await (await get(1)).json()).results.map((r: any) => r.id)).toEqual(['1', '2'])
    // entry 1 disappears before page 2: offset paging now skips entry 3
    expect((await (await get(2)).json()).results.map((r: any) => r.id)).toEqual(['4'])
    expect(kt.stats.faultsFired).toEqual(['rate_limit@1', 'status@2', 'mutate@4'])
    expect(kt.stats.byPath['/api/v1/time_entries.json']).toBe(4)
  })
})

describe('harvest', () => {
  const data = () => ({ time_entries: [1, 2, 3].map((id) => ({ id, hours: 7.5, updated_at: `2025-03-0${id}T00:00:00Z` })) })
  const h = { Authorization: 'Bearer harvest-token', 'Harvest-Account-Id': '1000001', 'User-Agent': 'Crosswalk (ops@firm.example)' }

  it('follows cursor links.next to the end, and needs a User-Agent and the account id', async () => {
    const hv = await track(startHarvestImitation({ data: data() }))
    const p1 = await (await fetch(`${hv.url}/v2/time_entries?per_page=2`, { headers: h })).json()
    expect(p1).toMatchObject({ per_page: 2, total_pages: 2, total_entries: 3, next_page: 2, previous_page: null, page: 1 })
    expect(p1.links.next).toMatch(/cursor=.*&per_page=2&ref=next_cursor/)
    const p2 = await (await fetch(p1.links.next, { headers: h })).json()
    expect(p2.time_entries.map((t: any) => t.id)).toEqual([3])
    expect(p2.links.next).toBeNull()
    const exact = await (await fetch(`${hv.url}/v2/time_entries?per_page=3`, { headers: h })).json()
    expect([exact.time_entries.length, exact.links.next]).toEqual([3, null])
    expect((await fetch(`${hv.url}/v2/time_entries?per_page=2001`, { headers: h })).status).toBe(422)
    expect((await fetch(`${hv.url}/v2/time_entries`, { headers: { ...h, 'User-Agent': '' } })).status).toBe(400)
    expect((await fetch(`${hv.url}/v2/time_entries`, { headers: { ...h, 'Harvest-Account-Id': '1' } })).status).toBe(401)
    const since = await (await fetch(`${hv.url}/v2/time_entries?updated_since=2025-03-02T00:00:00Z`, { headers: h })).json()
    expect(since.time_entries.map((t: any) => t.id)).toEqual([2, 3])
  })

  it('allows 100 requests per 15 s on the clock, then 429 with Retry-After', async () => {
    const clock = new ManualClock('2026-06-30T10:00:00Z')
    const hv = await track(startHarvestImitation({ data: data(), clock, requestsPer15s: 3 }))
    for (let i = 0; i < 3; i++) expect((await fetch(`${hv.url}/v2/time_entries`, { headers: h })).status).toBe(200)
    clock.advance(5_000)
    const r = await fetch(`${hv.url}/v2/time_entries`, { headers: h })
    expect([r.status, r.headers.get('retry-after')]).toEqual([429, '10'])
    clock.advance(10_000)
    expect((await fetch(`${hv.url}/v2/time_entries`, { headers: h })).status).toBe(200)
  })
})

describe('nativeFirm', () => {
  it('converts firm-small into native units and keeps money digits exact', { timeout: 30_000 }, () => {
    const firm = readCanonicalFirm('test/fixtures/firm-small')
    const n = nativeFirm(firm)
    expect(n.from).toEqual({ crm: 'salesforce', erp: 'netsuite', psa: 'kantata', hr: 'workday' })
    // the delta batch observed last (014) wins over the older replay (015)
    expect(firm.records.netsuite.time_entry.find((t) => t.key === 'TE-0000069')?.hours).toBe(8)
    const opp = n.salesforce.Opportunity.find((o) => o.Crosswalk_Key__c === 'OPP-00000')!
    expect(String(opp.Amount)).toBe('1044780.13')
    expect(opp.SystemModstamp).toBe('2026-06-29T12:00:00.000+0000')
    const tb = n.netsuite.timebill.find((t) => t.externalid === 'TE-0000000')!
    expect([tb.trandate, tb.hours, tb.isbillable, tb.custcol_cw_approved_at]).toEqual(['2/17/2026', '8', 'T', '2/20/2026 2:00:00 pm'])
    const kt = n.kantata.time_entries.find((t) => t.id === 'KT0')!
    expect([String(kt.time_in_minutes), String(kt.rate_in_cents), kt.currency_base_unit]).toEqual(['480', '12000', 100])
    const dv = n.dynamics.msdyn_timeentries[0]
    expect(String(dv.msdyn_duration)).toBe('480')
    expect(n.workday.Report_Entry[0]).toMatchObject({ Employee_ID: 'E00000', Scheduled_Weekly_Hours: '40', Cost_Rate: '121.22', Active: '1' })
    expect(n.losses).toHaveLength(3) // 8.005 h and 3.005 h cannot be whole minutes in Dataverse
    const hv = n.harvest.users.find((u) => u.employee_id === 'E00000')!
    expect(String(hv.weekly_capacity)).toBe('144000')
  })
})
