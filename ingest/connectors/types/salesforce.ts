// Salesforce (crm): account, opportunity through REST SOQL (REFERENCE §1).
// Incremental: queryAll `WHERE SystemModstamp >= from AND < to ORDER BY SystemModstamp, Id`, so
// soft-deleted rows (IsDeleted) arrive in the same pages and become deletedIds. Full: query, or
// Bulk API 2.0 with `source.bulk` (CSV pages by Sforce-Locator). Every answer's
// Sforce-Limit-Info feeds the daily budget; below the reserve the run stops as partial.
import { clientCredentials, expectAuth } from '../framework/auth.ts'
import { csvRecord, parseCsv } from '../framework/csv.ts'
import { BudgetExhausted } from '../framework/errors.ts'
import type { SourceHttp } from '../framework/http.ts'
import { locatorPager, nextUrlPager } from '../framework/pagers.ts'
import { entitySource } from '../framework/source.ts'
import type { ConnectorConfig, ConnectorType, EntitySource, Page, ReadOptions } from '../framework/types.ts'
import { isoSeconds, readWindow, windowDone, windowProgress } from '../framework/window.ts'

/** ⚠ A live tenant must confirm it serves this version; set `api_version` otherwise. */
export const SALESFORCE_API_VERSION = '62.0'

const apiPath = (c: ConnectorConfig) => `/services/data/v${c.api_version ?? SALESFORCE_API_VERSION}`

interface QueryAnswer {
  done: boolean
  nextRecordsUrl?: string
  records: Array<Record<string, unknown>>
}

/** SOQL field list: the mapping's columns (relationship paths such as Account.Name are SOQL too). */
export function soqlFields(columns: string[], required: string[]): string[] {
  const out = new Map<string, string>()
  for (const c of [...required, ...columns]) if (c && c !== 'attributes' && !out.has(c.toLowerCase())) out.set(c.toLowerCase(), c)
  return [...out.values()]
}

export function buildSoql(object: string, fields: string[], conditions: string[], orderBy?: string): string {
  const where = conditions.filter(Boolean)
  return `SELECT ${fields.join(', ')} FROM ${object}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}${orderBy ? ` ORDER BY ${orderBy}` : ''}`
}

async function* readSalesforce(entity: string, o: ReadOptions): AsyncGenerator<Page> {
  const { http } = o
  const src: EntitySource = entitySource(salesforce.defaultSources, entity, o.source)
  if (!src.object) throw new Error(`Salesforce entity ${entity} needs source.object (the sObject to read).`)
  const idCol = src.id_column ?? 'Id'
  const modCol = src.modified_column ?? 'SystemModstamp'
  const win = readWindow(o)
  const firmWhere = src.where ? `(${src.where})` : ''
  if (o.mode === 'full' && src.bulk) {
    yield* readBulk(http, buildSoql(src.object, soqlFields(o.columns, [idCol, modCol]), [firmWhere]), win.to)
    return
  }
  const incremental = o.mode === 'incremental'
  const fields = soqlFields(o.columns, incremental ? [idCol, modCol, 'IsDeleted'] : [idCol, modCol])
  const conditions = incremental ? [win.from ? `${modCol} >= ${isoSeconds(win.from)}` : '', `${modCol} < ${isoSeconds(win.to)}`, firmWhere] : [firmWhere]
  const soql = buildSoql(src.object, fields, conditions, incremental ? `${modCol}, ${idCol}` : undefined)
  // queryAll also returns soft-deleted rows; its nextRecordsUrl says /query/ yet continues the queryAll.
  const first = http.resolve(`${apiPath(http.config)}/${incremental ? 'queryAll' : 'query'}`, { q: soql })
  let state = o.state
  for await (const { result, last } of nextUrlPager<QueryAnswer>(first, (url) => http.json({ url }), (b) => (b.done ? null : b.nextRecordsUrl))) {
    const rows = result.body.records ?? []
    const records = incremental ? rows.filter((r) => r.IsDeleted !== true) : rows
    const deletedIds = incremental ? rows.filter((r) => r.IsDeleted === true).map((r) => String(r[idCol])) : undefined
    // Pages come in modification order, so each page's newest time is a safe cursor; after a
    // full listing (or the last incremental page) the window's end is.
    if (incremental) state = last ? windowDone(win.to) : windowProgress(rows, modCol, win.to, state)
    yield { records, ...(deletedIds?.length ? { deletedIds } : {}), state: last ? windowDone(win.to) : incremental ? state : null, last, full: !incremental, info: { url: result.url, status: result.status } }
  }
}

/** Bulk API 2.0 query job: create, poll until JobComplete (on the clock), then CSV pages by locator. */
async function* readBulk(http: SourceHttp, soql: string, to: Date): AsyncGenerator<Page> {
  const api = apiPath(http.config)
  const version = http.config.api_version ?? SALESFORCE_API_VERSION
  const job = await http.json<{ id: string }>({ url: `${api}/jobs/query`, json: { operation: 'query', query: soql } })
  for (let polls = 0; ; polls++) {
    const s = await http.json<{ state: string; errorMessage?: string }>({ url: `${api}/jobs/query/${job.body.id}` })
    if (s.body.state === 'JobComplete') break
    if (s.body.state === 'Failed' || s.body.state === 'Aborted') throw new Error(`Salesforce Bulk query job ${job.body.id} ${s.body.state}: ${s.body.errorMessage ?? 'no message'}`)
    if (polls >= 720) throw new BudgetExhausted(`Salesforce Bulk query job ${job.body.id} is still ${s.body.state} after an hour; the run stops here.`)
    await http.clockRef.sleep(5000)
  }
  let header: string[] | null = null
  const fetchPage = (locator: string | null) =>
    // Results must be fetched with the job's API version (else 409).
    http.text({ url: `${api}/jobs/query/${job.body.id}/results`, query: { locator: locator ?? undefined, maxRecords: http.config.page_size ?? 50_000 }, headers: { accept: 'text/csv' } })
  for await (const { result, last, locator } of locatorPager(fetchPage, (r) => r.headers.get('sforce-locator'))) {
    const rows = parseCsv(result.body)
    // ⚠ Whether every chunk repeats the header row is unconfirmed: reuse the first one, skip repeats.
    if (!header) header = rows.shift() ?? []
    else if (rows[0] && rows[0].join(',') === header.join(',')) rows.shift()
    const records = rows.filter((r) => r.length > 1 || r[0] !== '').map((r) => csvRecord(header!, r))
    const state = last ? windowDone(to, version) : { kind: 'locator' as const, value: JSON.stringify({ job: job.body.id, locator }), api_version: version }
    yield { records, state, last, full: true, info: { url: result.url, status: result.status } }
  }
}

export const salesforce: ConnectorType = {
  type: 'salesforce',
  kinds: ['crm'],
  entities: ['account', 'opportunity'],
  defaultSources: { account: { object: 'Account' }, opportunity: { object: 'Opportunity' } },
  // 25 long-running requests per org are shared with the firm's other integrations.
  defaultLimits: { concurrency: 4, budget_reserve: 0.1 },
  auth(config, deps) {
    const a = expectAuth('salesforce', config.auth, 'client_credentials')
    return clientCredentials({ tokenUrl: a.token_url ?? new URL('/services/oauth2/token', config.base_url).toString(), clientId: a.client_id, clientSecret: a.client_secret, scope: a.scope, clock: deps.clock, fetch: deps.fetch })
  },
  httpHooks: () => ({
    observe(res, http) {
      const m = /api-usage=(\d+)\/(\d+)/.exec(res.headers.get('sforce-limit-info') ?? '')
      if (m) http.noteUsage(Number(m[1]), Number(m[2]))
    },
    classify(status, body) {
      // Over the daily allocation: stop, don't sleep; resume from the saved cursor next time.
      if (status === 403 && body.includes('REQUEST_LIMIT_EXCEEDED')) return new BudgetExhausted(`Salesforce says REQUEST_LIMIT_EXCEEDED: ${body.slice(0, 200)}`)
      return undefined
    },
  }),
  read: readSalesforce,
}
