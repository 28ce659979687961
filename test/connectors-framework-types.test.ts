// The six readers against tiny local servers: the queries they build from columns and source,
// how they page, what state each page carries, deletions, and each type's edge cases.
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../server/lib/clock.ts'
import { BudgetExhausted, openSource, type ConnectorConfig, type ConnectorType, type Page, type ReadOptions } from '../ingest/connectors/framework/index.ts'
import { connectorType } from '../ingest/connectors/types/index.ts'
import { denormalise } from '../ingest/connectors/types/kantata.ts'

type Reply = { status?: number; headers?: Record<string, string>; body?: unknown }
const servers: Array<ReturnType<typeof createServer>> = []
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections()
    await new Promise((r) => s.close(r))
  }
})

async function serve(handler: (req: IncomingMessage, url: URL, body: string) => Reply | AsyncIterable<string>) {
  const hits: Array<{ method: string; url: URL; headers: IncomingMessage['headers']; body: string }> = []
  const s = createServer(async (req, res) => {
    let body = ''
    for await (const c of req) body += c
    const url = new URL(req.url!, 'http://x')
    hits.push({ method: req.method!, url, headers: req.headers, body })
    const r = handler(req, url, body)
    if (Symbol.asyncIterator in r) {
      res.writeHead(200, { 'content-type': 'application/json' })
      for await (const part of r) res.write(part)
      res.end()
      return
    }
    res.writeHead(r.status ?? 200, { 'content-type': 'application/json', ...r.headers })
    res.end(typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? {}))
  })
  servers.push(s)
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, hits }
}

const RUN = new Date('2026-03-01T12:00:00Z')
async function read(t: ConnectorType, config: ConnectorConfig, entity: string, o: Partial<ReadOptions> = {}) {
  const http = openSource(t, config, { clock: new ManualClock(RUN) })
  const pages: Page[] = []
  let error: unknown
  try {
    for await (const p of t.read(entity, { mode: 'incremental', state: null, columns: [], runStartedAt: RUN, http, ...o })) pages.push(p)
  } catch (e) {
    error = e
  }
  return { pages, error, http }
}

describe('salesforce', () => {
  const sf = connectorType('salesforce')
  async function org(pages: Array<Reply>) {
    let i = 0
    return serve((_req, url) => (url.pathname === '/services/oauth2/token' ? { body: { access_token: 'AT', instance_url: 'x' } } : pages[i++]))
  }
  const cfg = (base_url: string): ConnectorConfig => ({ type: 'salesforce', base_url, auth: { type: 'client_credentials', client_id: 'c', client_secret: 's' } })

  it('incremental: queryAll SOQL from columns with the window, nextRecordsUrl paging, IsDeleted → deletedIds, page cursors', async () => {
    const s = await org([
      { body: { done: false, nextRecordsUrl: '/services/data/v62.0/query/01g-2000', records: [{ Id: 'a1', IsDeleted: false, SystemModstamp: '2026-02-27T10:00:00.000+0000', Account: { Name: 'Acme' } }] } },
      { body: { done: true, records: [{ Id: 'a2', IsDeleted: true, SystemModstamp: '2026-02-28T10:00:00.000+0000' }] } },
    ])
    const { pages, error } = await read(sf, cfg(s.url), 'opportunity', {
      columns: ['Name', 'Account.Name', 'Id'],
      state: { kind: 'timestamp', value: '2026-02-27T00:00:00Z' },
      source: { where: "StageName != 'Dead'" },
    })
    expect(error).toBeUndefined()
    const q = s.hits[1].url
    expect(q.pathname).toBe('/services/data/v62.0/queryAll')
    expect(q.searchParams.get('q')).toBe(
      "SELECT Id, SystemModstamp, IsDeleted, Name, Account.Name FROM Opportunity WHERE SystemModstamp >= 2026-02-26T23:55:00Z AND SystemModstamp < 2026-03-01T12:00:00Z AND (StageName != 'Dead') ORDER BY SystemModstamp, Id",
    )
    expect(s.hits[1].headers.authorization).toBe('Bearer AT')
    expect(s.hits[2].url.pathname).toBe('/services/data/v62.0/query/01g-2000')
    expect(pages[0].records).toEqual([{ Id: 'a1', IsDeleted: false, SystemModstamp: '2026-02-27T10:00:00.000+0000', Account: { Name: 'Acme' } }])
    expect(pages[0].state).toEqual({ kind: 'timestamp', value: '2026-02-27T10:00:00Z', window_end: '2026-03-01T12:00:00Z' })
    expect(pages[0].last).toBe(false)
    expect(pages[1]).toMatchObject({ records: [], deletedIds: ['a2'], last: true, state: { kind: 'timestamp', value: '2026-03-01T12:00:00Z' } })
  })

  it('stops with BudgetExhausted once Sforce-Limit-Info leaves less than the reserve, after the page it has', async () => {
    const s = await org([{ headers: { 'sforce-limit-info': 'api-usage=95000/100000' }, body: { done: false, nextRecordsUrl: '/services/data/v62.0/query/01g-2000', records: [{ Id: 'a1', SystemModstamp: '2026-02-27T10:00:00.000+0000' }] } }])
    const { pages, error } = await read(sf, cfg(s.url), 'account')
    expect(pages).toHaveLength(1)
    expect(pages[0].state?.value).toBe('2026-02-27T10:00:00Z')
    expect(error).toBeInstanceOf(BudgetExhausted)
    expect(s.hits).toHaveLength(2) // token + the one page: nothing sent past the reserve
  })

  it('REQUEST_LIMIT_EXCEEDED is a budget stop, not a failure', async () => {
    const s = await org([{ status: 403, body: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }] }])
    expect((await read(sf, cfg(s.url), 'account')).error).toBeInstanceOf(BudgetExhausted)
  })

  it('full with source.bulk: Bulk 2.0 job, CSV pages by Sforce-Locator until "null", dotted columns nested', async () => {
    const s = await serve((req, url) => {
      if (url.pathname === '/services/oauth2/token') return { body: { access_token: 'AT' } }
      if (url.pathname.endsWith('/jobs/query') && req.method === 'POST') return { body: { id: '750J' } }
      if (url.pathname.endsWith('/jobs/query/750J')) return { body: { state: 'JobComplete' } }
      const loc = url.searchParams.get('locator')
      if (!loc) return { headers: { 'sforce-locator': 'L2', 'content-type': 'text/csv' }, body: '"Id","Account.Name"\n"o1","Acme"\n' }
      return { headers: { 'sforce-locator': 'null', 'content-type': 'text/csv' }, body: '"Id","Account.Name"\n"o2",""\n' }
    })
    const { pages, error } = await read(sf, cfg(s.url), 'opportunity', { mode: 'full', columns: ['Account.Name'], source: { bulk: true } })
    expect(error).toBeUndefined()
    expect(JSON.parse(s.hits[1].body)).toEqual({ operation: 'query', query: 'SELECT Id, SystemModstamp, Account.Name FROM Opportunity' })
    expect(pages.map((p) => p.records)).toEqual([[{ Id: 'o1', Account: { Name: 'Acme' } }], [{ Id: 'o2', Account: { Name: null } }]])
    expect(pages[0]).toMatchObject({ full: true, last: false, state: { kind: 'locator', api_version: '62.0' } })
    expect(pages[1]).toMatchObject({ full: true, last: true, state: { kind: 'timestamp', value: '2026-03-01T12:00:00Z' } })
  })
})

describe('netsuite', () => {
  const ns = connectorType('netsuite')
  const rows = Array.from({ length: 12 }, (_, i) => ({ links: [], id: String(i + 1), memo: `m${i + 1}` }))
  it('SuiteQL with Prefer: transient and a TBA signature; keyset past the row cap reads every row once', async () => {
    const s = await serve((_req, url, body) => {
      const q = JSON.parse(body).q as string
      const after = Number(/id > (\d+)/.exec(q)?.[1] ?? 0)
      const limit = Number(url.searchParams.get('limit'))
      const offset = Number(url.searchParams.get('offset'))
      const pool = rows.filter((r) => Number(r.id) > after)
      if (offset + limit > 10) return { status: 400, body: { title: 'offset past the cap' } }
      const items = pool.slice(offset, offset + limit)
      return { body: { items, count: items.length, hasMore: offset + limit < pool.length, offset, totalResults: pool.length } }
    })
    // The deletion feed (its own query after these) is covered in connectors-netsuite-deletions.
    const cfg: ConnectorConfig = { type: 'netsuite', base_url: s.url, page_size: 5, row_cap: 10, deletion_feed: false, auth: { type: 'tba', account_id: '1234567', consumer_key: 'ck', consumer_secret: 'cs', token_id: 'ti', token_secret: 'ts' } }
    const { pages, error } = await read(ns, cfg, 'time_entry', { columns: ['employee', 'hours', 'customer'], state: { kind: 'timestamp', value: '2026-02-01T00:00:00Z' } })
    expect(error).toBeUndefined()
    expect(pages.flatMap((p) => p.records.map((r) => (r as { id: string }).id))).toEqual(rows.map((r) => r.id))
    const first = s.hits[0]
    expect(first.method).toBe('POST')
    expect(first.url.pathname).toBe('/services/rest/query/v1/suiteql')
    expect(first.headers.prefer).toBe('transient')
    expect(first.headers.authorization).toMatch(/^OAuth realm="1234567", oauth_consumer_key="ck", oauth_token="ti", oauth_signature_method="HMAC-SHA256"/)
    expect(JSON.parse(first.body).q).toBe(
      "SELECT id, lastmodifieddate, employee, hours, customer FROM timebill WHERE lastmodifieddate >= TO_DATE('2026-01-31 23:55:00', 'YYYY-MM-DD HH24:MI:SS') AND lastmodifieddate < TO_DATE('2026-03-01 12:00:00', 'YYYY-MM-DD HH24:MI:SS') ORDER BY id",
    )
    expect(JSON.parse(s.hits[2].body).q).toContain('AND id > 10 ORDER BY id')
    expect(pages.map((p) => p.state)).toEqual([null, null, { kind: 'timestamp', value: '2026-03-01T12:00:00Z' }])
  })
  it('a custom record has no default table: the error says what to set', async () => {
    const cfg: ConnectorConfig = { type: 'netsuite', base_url: 'http://127.0.0.1:9', auth: { type: 'tba', account_id: '1', consumer_key: 'a', consumer_secret: 'b', token_id: 'c', token_secret: 'd' } }
    expect(String((await read(ns, cfg, 'rate_card')).error)).toMatch(/set its source.table/)
  })
})

describe('dynamics', () => {
  const dv = connectorType('dynamics')
  const cfg = (base_url: string): ConnectorConfig => ({ type: 'dynamics', base_url, auth: { type: 'client_credentials', client_id: 'c', client_secret: 's', token_url: `${base_url}/tenant/oauth2/v2.0/token` } })
  const tokenOr = (url: URL, reply: () => Reply): Reply => (url.pathname.endsWith('/token') ? { body: { access_token: 'AT', expires_in: 3599 } } : reply())

  it('first read tracks changes and saves the delta link; replaying it yields changes and $deletedEntity ids', async () => {
    let base = ''
    const s = await serve((_req, url, body) =>
      tokenOr(url, () => {
        if (url.searchParams.has('$deltatoken')) {
          return { body: { value: [{ msdyn_timeentryid: 't3', msdyn_duration: 60 }, { '@odata.context': `${base}/api/data/v9.2/$metadata#msdyn_timeentries/$deletedEntity`, id: 't1', reason: 'deleted' }], '@odata.deltaLink': `${base}/api/data/v9.2/msdyn_timeentries?$deltatoken=2` } }
        }
        if (url.searchParams.has('$skiptoken')) return { body: { value: [{ msdyn_timeentryid: 't2' }], '@odata.deltaLink': `${base}/api/data/v9.2/msdyn_timeentries?$deltatoken=1` } }
        void body
        return { body: { value: [{ msdyn_timeentryid: 't1' }], '@odata.nextLink': `${base}/api/data/v9.2/msdyn_timeentries?$skiptoken=p2` } }
      }),
    )
    base = s.url
    const columns = ['msdyn_duration', 'msdyn_entrystatus', 'msdyn_entrystatus@OData.Community.Display.V1.FormattedValue']
    const first = await read(dv, cfg(s.url), 'time_entry', { columns })
    expect(first.error).toBeUndefined()
    const q = s.hits[1]
    expect(q.url.pathname).toBe('/api/data/v9.2/msdyn_timeentries')
    expect(q.url.searchParams.get('$select')).toBe('msdyn_timeentryid,modifiedon,msdyn_duration,msdyn_entrystatus')
    expect(q.headers.prefer).toBe('odata.track-changes,odata.maxpagesize=5000,odata.include-annotations="OData.Community.Display.V1.FormattedValue"')
    expect(new URLSearchParams(s.hits[0].body).get('scope')).toBe(`${s.url}/.default`)
    expect(first.pages.map((p) => p.state)).toEqual([null, { kind: 'delta_token', value: `${s.url}/api/data/v9.2/msdyn_timeentries?$deltatoken=1` }])

    const delta = await read(dv, cfg(s.url), 'time_entry', { columns, state: first.pages[1].state })
    expect(delta.pages).toHaveLength(1)
    expect(delta.pages[0]).toMatchObject({ records: [{ msdyn_timeentryid: 't3', msdyn_duration: 60 }], deletedIds: ['t1'], last: true, state: { kind: 'delta_token', value: `${s.url}/api/data/v9.2/msdyn_timeentries?$deltatoken=2` } })
    expect(delta.pages[0].full).toBeUndefined()
  })

  it('an expired delta link falls back to a full listing, marked full so deletions apply', async () => {
    const s = await serve((_req, url) =>
      tokenOr(url, () => (url.searchParams.has('$deltatoken') ? { status: 410, body: { error: { message: 'token expired' } } } : { body: { value: [{ msdyn_timeentryid: 't9' }], '@odata.deltaLink': 'http://x/new?$deltatoken=9' } })),
    )
    const { pages, error } = await read(dv, cfg(s.url), 'time_entry', { state: { kind: 'delta_token', value: `${s.url}/api/data/v9.2/msdyn_timeentries?$deltatoken=old` } })
    expect(error).toBeUndefined()
    expect(pages).toHaveLength(1)
    expect(pages[0]).toMatchObject({ records: [{ msdyn_timeentryid: 't9' }], full: true, last: true, state: { kind: 'delta_token', value: 'http://x/new?$deltatoken=9' } })
  })

  it('a timestamp cursor reads a modifiedon window with $expand for nested columns', async () => {
    const s = await serve((_req, url) => tokenOr(url, () => ({ body: { value: [{ msdyn_projectid: 'p1', modifiedon: '2026-02-20T08:00:00Z' }] } })))
    const { pages } = await read(dv, cfg(s.url), 'project', { columns: ['msdyn_subject', 'msdyn_customer.name'], state: { kind: 'timestamp', value: '2026-02-20T00:00:00Z' }, source: { where: 'statecode eq 0' } })
    const u = s.hits[1].url
    expect(u.searchParams.get('$filter')).toBe('modifiedon ge 2026-02-19T23:55:00Z and modifiedon lt 2026-03-01T12:00:00Z and (statecode eq 0)')
    expect(u.searchParams.get('$expand')).toBe('msdyn_customer($select=name)')
    expect(s.hits[1].headers.prefer).not.toContain('track-changes')
    expect(pages[0].state).toEqual({ kind: 'timestamp', value: '2026-03-01T12:00:00Z' })
  })
})

describe('workday', () => {
  const wd = connectorType('workday')
  const cfg = (report_url: string): ConnectorConfig => ({ type: 'workday', base_url: report_url, report_url, page_size: 2, auth: { type: 'basic', username: 'isu', password: 'pw' } })
  it('a report without Report_Entry is one empty, last, full page', async () => {
    const s = await serve(() => ({ body: {} }))
    const { pages, error } = await read(wd, cfg(`${s.url}/ccx/service/customreport2/acme/isu/Workers`), 'resource')
    expect(error).toBeUndefined()
    expect(pages).toEqual([{ records: [], state: { kind: 'timestamp', value: '2026-03-01T12:00:00Z' }, last: true, full: true, info: expect.objectContaining({ status: 200 }) }])
    expect(s.hits[0].url.searchParams.get('format')).toBe('json')
    expect(s.hits[0].headers.authorization).toBe(`Basic ${Buffer.from('isu:pw').toString('base64')}`)
  })
  it('streams Report_Entry in pages, sent in pieces', async () => {
    const s = await serve(async function* () {
      yield '{"Report_Entry": [{"Employee_ID": "1"}, {"Emplo'
      yield 'yee_ID": "2"}, {"Employee_ID": "3", "Name": "a ] } , b"}]'
      yield '}'
    } as never)
    const { pages } = await read(wd, cfg(`${s.url}/r?format=json`), 'resource')
    expect(pages.map((p) => [p.records.length, p.last])).toEqual([[2, false], [1, true]])
    expect(pages[1].records[0]).toEqual({ Employee_ID: '3', Name: 'a ] } , b' })
  })
})

describe('kantata', () => {
  const kt = connectorType('kantata')
  it('pages by page/per_page to meta.page_count and nests included records under their association', async () => {
    const s = await serve((_req, url) => {
      const page = Number(url.searchParams.get('page'))
      const id = String(page)
      return {
        body: {
          count: 2,
          meta: { count: 2, page_count: 2, page_number: page },
          results: [{ key: 'time_entries', id }],
          time_entries: { [id]: { id, user_id: '512', time_in_minutes: 30 * page } },
          users: { '512': { id: '512', email_address: 'kim@firm.example' } },
        },
      }
    })
    const { pages, error } = await read(kt, { type: 'kantata', base_url: s.url, auth: { type: 'token', token: 'KT' } }, 'time_entry', { columns: ['time_in_minutes', 'user.email_address'], state: { kind: 'timestamp', value: '2026-02-01T00:00:00Z' } })
    expect(error).toBeUndefined()
    const u = s.hits[0].url
    expect(u.pathname).toBe('/api/v1/time_entries.json')
    expect(Object.fromEntries(u.searchParams)).toEqual({ from_archived_workspaces: 'true', updated_after: '2026-01-31T23:55:00Z', include: 'user', per_page: '200', page: '1' })
    expect(s.hits[0].headers.authorization).toBe('Bearer KT')
    expect(pages.map((p) => p.last)).toEqual([false, true])
    expect(pages[1].records).toEqual([{ id: '2', user_id: '512', time_in_minutes: 60, user: { id: '512', email_address: 'kim@firm.example' } }])
  })
  it('reads results order, not the id-keyed map (which also holds side-loaded records of the same type)', () => {
    const answer = { results: [{ key: 'stories', id: '2' }], stories: { '1': { id: '1', parent_id: null }, '2': { id: '2', parent_id: '1' } } }
    expect(denormalise(answer, []).map((r) => r.id)).toEqual(['2'])
  })
})

describe('harvest', () => {
  const hv = connectorType('harvest')
  it('sends Harvest-Account-Id and User-Agent, filters by updated_since, follows links.next', async () => {
    let base = ''
    const s = await serve((_req, url) =>
      url.searchParams.get('ref') === 'next_cursor'
        ? { body: { time_entries: [{ id: 2 }], links: { next: null } } }
        : { body: { time_entries: [{ id: 1, project: { id: 9 } }], page: null, links: { next: `${base}/v2/time_entries?cursor=abc&per_page=2000&ref=next_cursor` } } },
    )
    base = s.url
    const cfg: ConnectorConfig = { type: 'harvest', base_url: s.url, user_agent: 'Crosswalk (ops@firm.example)', auth: { type: 'token', token: 'PAT', account_id: '42' } }
    const { pages, error } = await read(hv, cfg, 'time_entry', { state: { kind: 'timestamp', value: '2026-02-01T00:00:00Z' }, source: { where: 'is_running=false' } })
    expect(error).toBeUndefined()
    const h = s.hits[0]
    expect(Object.fromEntries(h.url.searchParams)).toEqual({ is_running: 'false', updated_since: '2026-01-31T23:55:00Z', per_page: '2000' })
    expect(h.headers['harvest-account-id']).toBe('42')
    expect(h.headers['user-agent']).toBe('Crosswalk (ops@firm.example)')
    expect(h.headers.authorization).toBe('Bearer PAT')
    expect(pages.map((p) => [p.records, p.last, p.state])).toEqual([
      [[{ id: 1, project: { id: 9 } }], false, null],
      [[{ id: 2 }], true, { kind: 'timestamp', value: '2026-03-01T12:00:00Z' }],
    ])
  })
  it('a token without account_id stops with a sentence', () => {
    expect(() => hv.auth({ type: 'harvest', base_url: 'http://x', auth: { type: 'token', token: 't' } }, { clock: new ManualClock() })).toThrow(/needs auth.account_id/)
  })
})
