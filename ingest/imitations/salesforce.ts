// Salesforce imitation (REFERENCE §1): client_credentials token, REST query/queryAll with
// nextRecordsUrl paging, relationship fields as nested objects, Sforce-Limit-Info with a rolling
// 24 h budget on the clock, and Bulk API 2.0 query jobs answering CSV pages with Sforce-Locator.
import { isLosslessNumber } from 'lossless-json'
import { systemClock } from '../../server/lib/clock.ts'
import { matches, parseSelect, QueryError, sortRows, type SelectQuery } from './soql.ts'
import { bearer, readForm, startServer, TokenStore, type CommonOptions, type Imitation, type ImitationRequest, type ImitationResponse } from './server.ts'

export type SfRecord = Record<string, unknown> & { Id: string }
/** sObject name → its records (IsDeleted true = in the Recycle Bin, seen only by queryAll). */
export type SalesforceData = Record<string, SfRecord[]>

export interface SalesforceOptions extends CommonOptions {
  data: SalesforceData
  clientId?: string
  clientSecret?: string
  /** Seconds a token lives (Salesforce's session timeout; client_credentials answers no expires_in). */
  tokenTtlSeconds?: number
  /** Records per REST page (Salesforce: up to 2,000); `Sforce-Query-Options: batchSize=N` also honoured. */
  pageSize?: number
  /** Daily API budget: requests in the rolling 24 h before this one (`used`) and the allocation. */
  apiUsage?: { used?: number; max: number }
  /** Bulk job status polls that answer InProgress before JobComplete. */
  bulkPollsInProgress?: number
}

/** Relationship name → sObject, where it is not the same word (`Owner` → User). */
const REL_OBJECT: Record<string, string> = { Owner: 'User', Parent: 'Account', CreatedBy: 'User', LastModifiedBy: 'User' }

const err = (status: number, errorCode: string, message: string): ImitationResponse => ({ status, body: [{ message, errorCode }] })

export async function startSalesforceImitation(opts: SalesforceOptions): Promise<Imitation> {
  const clock = opts.clock ?? systemClock
  const tokens = new TokenStore(clock, opts.tokenTtlSeconds ?? 7200, '00DSF!imitation.')
  const clientId = opts.clientId ?? 'sf-client'
  const clientSecret = opts.clientSecret ?? 'sf-secret'
  const usage: number[] = Array.from({ length: opts.apiUsage?.used ?? 0 }, () => clock.now().getTime())
  const locators = new Map<string, { q: SelectQuery; all: boolean; offset: number }>()
  const jobs = new Map<string, { q: SelectQuery; all: boolean; version: string; polls: number; rows: SfRecord[]; created: string }>()
  let nextId = 0

  const get = (r: SfRecord, path: string): unknown => {
    const parts = path.split('.')
    let cur: Record<string, unknown> | undefined = r
    for (let i = 0; i < parts.length - 1; i++) cur = cur ? related(cur, parts[i]) : undefined
    return cur?.[parts[parts.length - 1]] ?? null
  }
  const related = (r: Record<string, unknown>, rel: string): SfRecord | undefined => {
    const id = r[`${rel}Id`]
    return id == null ? undefined : opts.data[REL_OBJECT[rel] ?? rel]?.find((x) => x.Id === id)
  }
  const run = (q: SelectQuery, all: boolean): SfRecord[] => {
    const table = opts.data[q.from]
    if (!table) throw new QueryError(`sObject type '${q.from}' is not supported.`)
    let rows = table.filter((r) => (all || r.IsDeleted !== true) && q.where.every((c) => matches(get(r, c.field), c)))
    rows = sortRows(rows, q.orderBy, get)
    return q.limit === undefined ? rows : rows.slice(0, q.limit)
  }
  // A relationship path comes back as a nested object with its own attributes (REFERENCE §1.2).
  const shape = (r: SfRecord, q: SelectQuery, version: string): Record<string, unknown> => {
    const out: Record<string, unknown> = { attributes: { type: q.from, url: `/services/data/v${version}/sobjects/${q.from}/${r.Id}` } }
    for (const f of q.fields) {
      const parts = f.split('.')
      if (parts.length === 1) {
        out[f] = r[f] ?? null
        continue
      }
      let src: Record<string, unknown> | undefined = r
      let dst = out
      let type = q.from
      for (let i = 0; i < parts.length - 1; i++) {
        const rel = parts[i]
        const next: SfRecord | undefined = src ? related(src, rel) : undefined
        if (!next) {
          dst[rel] ??= null
          src = undefined
          break
        }
        type = REL_OBJECT[rel] ?? rel
        if (dst[rel] == null) dst[rel] = { attributes: { type, url: `/services/data/v${version}/sobjects/${type}/${next.Id}` } }
        dst = dst[rel] as Record<string, unknown>
        src = next
      }
      if (src) dst[parts[parts.length - 1]] = src[parts[parts.length - 1]] ?? null
    }
    return out
  }

  const page = (q: SelectQuery, all: boolean, offset: number, req: ImitationRequest, version: string): ImitationResponse => {
    const rows = run(q, all)
    const hinted = /batchSize=(\d+)/.exec(String(req.headers['sforce-query-options'] ?? ''))?.[1]
    const size = Number(hinted ?? opts.pageSize ?? 2000)
    const slice = rows.slice(offset, offset + size)
    const body: Record<string, unknown> = { totalSize: rows.length, done: offset + size >= rows.length }
    if (!body.done) {
      const loc = `01gIM${String(++nextId).padStart(10, '0')}-${offset + size}`
      locators.set(loc, { q, all, offset: offset + size })
      // queryAll's next page still says /query/ (REFERENCE §1.1)
      body.nextRecordsUrl = `/services/data/v${version}/query/${loc}`
    }
    body.records = slice.map((r) => shape(r, q, version))
    return { status: 200, body }
  }

  const handler = (req: ImitationRequest): ImitationResponse => {
    if (req.path === '/services/oauth2/token') {
      const form = readForm(req.body)
      if (req.method !== 'POST') return { status: 405, body: { error: 'invalid_request' } }
      if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' } }
      let [id, secret] = [form.get('client_id'), form.get('client_secret')]
      const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1]
      if (basic) [id, secret] = Buffer.from(basic, 'base64').toString().split(':')
      if (id !== clientId || secret !== clientSecret) return { status: 400, body: { error: 'invalid_client', error_description: 'invalid client credentials' } }
      const { token } = tokens.issue()
      return {
        status: 200,
        body: { access_token: token, instance_url: req.origin, id: `${req.origin}/id/00DIM0000000001/005IM0000000001`, token_type: 'Bearer', issued_at: String(clock.now().getTime()), scope: 'api', signature: 'imitation' },
      }
    }
    const m = /^\/services\/data\/v(\d+\.\d)\/(.*)$/.exec(req.path)
    if (!m) return err(404, 'NOT_FOUND', 'The requested resource does not exist')
    if (!tokens.valid(bearer(req))) return err(401, 'INVALID_SESSION_ID', 'Session expired or invalid')
    const now = clock.now().getTime()
    while (usage.length && usage[0] <= now - 86_400_000) usage.shift()
    const max = opts.apiUsage?.max ?? 100_000
    if (usage.length >= max) return withLimit(err(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'), usage.length, max)
    usage.push(now)
    return withLimit(route(req, m[1], m[2]), usage.length, max)
  }

  const route = (req: ImitationRequest, version: string, rest: string): ImitationResponse => {
    try {
      if (rest === 'query' || rest === 'queryAll') {
        const q = req.query.get('q')
        if (!q) return err(400, 'MALFORMED_QUERY', 'q is required')
        return page(parseSelect(q), rest === 'queryAll', 0, req, version)
      }
      const more = /^query\/([^/]+)$/.exec(rest)
      if (more) {
        const loc = locators.get(more[1])
        if (!loc) return err(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator')
        // Re-evaluated, not snapshotted: a record changed between pages shifts what later pages hold.
        return page(loc.q, loc.all, loc.offset, req, version)
      }
      if (rest === 'jobs/query' && req.method === 'POST') {
        const b = JSON.parse(req.body || '{}') as { operation?: string; query?: string }
        if (b.operation !== 'query' && b.operation !== 'queryAll') return err(400, 'INVALIDJOB', 'operation must be query or queryAll')
        const q = parseSelect(b.query ?? '')
        const id = `750IM${String(++nextId).padStart(13, '0')}`
        const job = { q, all: b.operation === 'queryAll', version, polls: 0, rows: run(q, b.operation === 'queryAll'), created: clock.now().toISOString().replace('Z', '+0000') }
        jobs.set(id, job)
        return { status: 200, body: jobInfo(id, job, 'UploadComplete') }
      }
      const job = /^jobs\/query\/([^/]+)(\/results)?$/.exec(rest)
      if (job) {
        const j = jobs.get(job[1])
        if (!j) return err(404, 'NOT_FOUND', 'job not found')
        if (j.version !== version) return err(409, 'API_VERSION_MISMATCH', 'the results must be read with the API version that created the job')
        if (!job[2]) {
          const state = j.polls++ < (opts.bulkPollsInProgress ?? 1) ? 'InProgress' : 'JobComplete'
          return { status: 200, body: { ...jobInfo(job[1], j, state), numberRecordsProcessed: state === 'JobComplete' ? j.rows.length : 0 } }
        }
        if (j.polls <= (opts.bulkPollsInProgress ?? 1)) return err(400, 'INVALIDJOBSTATE', 'the job is not complete')
        const offset = Number(req.query.get('locator') ? Buffer.from(req.query.get('locator')!, 'base64url').toString() : 0)
        const maxRecords = Number(req.query.get('maxRecords') ?? 50_000)
        const slice = j.rows.slice(offset, offset + maxRecords)
        const end = offset + maxRecords >= j.rows.length
        return {
          status: 200,
          headers: {
            'Content-Type': 'text/csv',
            'Sforce-NumberOfRecords': String(slice.length),
            // the literal string "null" when there is no next page (REFERENCE §1.1)
            'Sforce-Locator': end ? 'null' : Buffer.from(String(offset + maxRecords)).toString('base64url'),
          },
          body: csv(j.q, slice, get),
        }
      }
      return err(404, 'NOT_FOUND', 'The requested resource does not exist')
    } catch (e) {
      if (e instanceof QueryError || e instanceof SyntaxError) return err(400, 'MALFORMED_QUERY', e.message)
      throw e
    }
  }

  return startServer(handler, {
    rateLimited: () => err(429, 'REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.'),
    serverError: (status) => err(status, 'SERVER_UNAVAILABLE', 'Server temporarily unavailable'),
    expireTokens: () => tokens.expireAll(),
  }, opts)
}

function withLimit(r: ImitationResponse, used: number, max: number): ImitationResponse {
  return { ...r, headers: { ...r.headers, 'Sforce-Limit-Info': `api-usage=${used}/${max}` } }
}

function jobInfo(id: string, j: { q: SelectQuery; all: boolean; version: string; created: string }, state: string) {
  return {
    id, operation: j.all ? 'queryAll' : 'query', object: j.q.from, createdById: '005IM0000000001',
    createdDate: j.created, systemModstamp: j.created, state, concurrencyMode: 'Parallel',
    contentType: 'CSV', apiVersion: Number(j.version), lineEnding: 'LF', columnDelimiter: 'COMMA',
  }
}

/**
 * Bulk CSV: columns named as selected (`Account.Name`, unconfirmed), every value quoted, null empty.
 * unconfirmed: whether each locator page repeats the header row; this imitation repeats it.
 */
function csv(q: SelectQuery, rows: SfRecord[], get: (r: SfRecord, f: string) => unknown): string {
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return ''
    const s = isLosslessNumber(v) ? v.toString() : String(v)
    return `"${s.replace(/"/g, '""')}"`
  }
  const lines = [q.fields.map(cell).join(','), ...rows.map((r) => q.fields.map((f) => cell(get(r, f))).join(','))]
  return `${lines.join('\n')}\n`
}
