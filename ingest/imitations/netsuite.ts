// NetSuite imitation (REFERENCE §2): TBA signatures verified per RFC 5849, SuiteQL over
// POST /services/rest/query/v1/suiteql with Prefer: transient, limit/offset paging with the
// 100,000-row offset cap (configurable), NetSuite's value text (T/F, string numbers, M/D/YYYY),
// and an account concurrency limit answering 429. Deletions: `deleteRecord` removes a row and
// logs it in the `deletedrecord` table SuiteQL serves (⚠ the table, its columns `recordid`,
// `type`, `deleteddate`, `name`, `context` and its type values are from public code, unconfirmed);
// a role without the "Deleted Records" permission is refused that table.
import { systemClock } from '../../server/lib/clock.ts'
import { isoDate, nsDateTime } from './formats.ts'
import { verifyTba, type TbaCredentials } from './oauth1.ts'
import { matches, parseSelect, sortRows } from './soql.ts'
import { frozenOf, startServer, type CommonOptions, type Imitation, type ImitationRequest, type ImitationResponse } from './server.ts'

/** One row as SuiteQL answers it: every value text. `__df` holds BUILTIN.DF display values. */
export type NsRow = Record<string, string | null | undefined | Record<string, string>> & { id: string; __df?: Record<string, string> }
/** Table name (lower case: customer, job, employee, timebill, transaction, customrecord_…) → rows. */
export type NetSuiteData = Record<string, NsRow[]>

export interface NetSuiteOptions extends CommonOptions {
  data: NetSuiteData
  credentials?: Partial<TbaCredentials>
  /** Rows reachable by offset paging (NetSuite: 100,000); past it, page by `id > N`. */
  offsetCap?: number
  /** Requests served at once before 429 (the account's concurrency governance). */
  concurrency?: number
  /** Whether the role may read `deletedrecord`: refused as a table it cannot see (400 "Record
   *  'deletedrecord' was not found", how SuiteQL answers for any such table) or ⚠ with a 403. */
  deletedRecordAccess?: 'granted' | 'not_found' | 'forbidden'
}

export interface NetSuiteImitation extends Imitation {
  /** Deletes a record: gone from its table, and a `deletedrecord` row stamped with the clock's now. */
  deleteRecord(table: string, id: string): NsRow
  /** The SuiteQL text of every query read after sign-in, in order (frozen: each distinct one once). */
  readonly queries: string[]
}

/** `deletedrecord.type` of a deleted row (⚠ unconfirmed): transactions by their type code, else the table. */
const DELETED_TRANSACTION_TYPE: Record<string, string> = { CustInvc: 'invoice', ExpRept: 'expensereport', VendBill: 'vendorbill', SalesOrd: 'salesorder', Journal: 'journalentry' }

export const NETSUITE_DEFAULT_CREDENTIALS: TbaCredentials = {
  accountId: '1234567', consumerKey: 'ns-consumer-key', consumerSecret: 'ns-consumer-secret', tokenId: 'ns-token-id', tokenSecret: 'ns-token-secret',
}

const fail = (status: number, title: string, code: string, detail: string): ImitationResponse => ({
  status,
  body: { type: 'https://www.rfc-editor.org/rfc/rfc9110.html', title, status, 'o:errorDetails': [{ detail, 'o:errorCode': code }] },
})

const NS_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))? ?(am|pm))?$/i

/** A NetSuite date/datetime text as ISO, for comparisons and ordering; other values unchanged. */
function comparable(v: unknown): unknown {
  if (typeof v !== 'string') return v
  const m = NS_TIME.exec(v)
  if (!m) return v
  if (!m[4]) return isoDate(v)
  let h = Number(m[4]) % 12
  if (m[7].toLowerCase() === 'pm') h += 12
  return `${isoDate(v)}T${String(h).padStart(2, '0')}:${m[5]}:${m[6] ?? '00'}Z`
}

export async function startNetSuiteImitation(opts: NetSuiteOptions): Promise<NetSuiteImitation> {
  const clock = opts.clock ?? systemClock
  const creds = { ...NETSUITE_DEFAULT_CREDENTIALS, ...opts.credentials }
  const cap = opts.offsetCap ?? 100_000
  const nonces = new Set<string>()
  let revoked = false
  const frozen = frozenOf(opts)
  const queries: string[] = []

  const handler = (req: ImitationRequest): ImitationResponse => {
    const url = `http://${String(req.headers.host ?? '').toLowerCase()}${req.path}${req.query.size ? `?${req.query}` : ''}`
    const why = revoked ? 'token revoked' : verifyTba(req.method, url, req.headers.authorization, creds, Math.floor(clock.now().getTime() / 1000), nonces)
    if (why) return fail(401, 'Unauthorized', 'INVALID_LOGIN', `Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail. (${why})`)
    if (opts.concurrency !== undefined && req.inFlight >= opts.concurrency) {
      // unconfirmed: REST web services say "Too Many Requests"; the exact status and code are assumed
      return fail(429, 'Too Many Requests', 'CONCURRENCY_LIMIT_EXCEEDED', 'Concurrent request limit exceeded. Request blocked.')
    }
    if (req.path !== '/services/rest/query/v1/suiteql') return fail(404, 'Not Found', 'NONEXISTENT_ID', `No resource at ${req.path}.`)
    if (req.method !== 'POST') return fail(405, 'Method Not Allowed', 'INVALID_REQUEST', 'SuiteQL is POST only.')
    // unconfirmed: the error NetSuite answers without `Prefer: transient`
    if (!/transient/i.test(String(req.headers.prefer ?? ''))) return fail(400, 'Bad Request', 'INVALID_HEADER', 'SuiteQL needs the header Prefer: transient.')
    const limit = Number(req.query.get('limit') ?? 1000)
    const offset = Number(req.query.get('offset') ?? 0)
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return fail(400, 'Bad Request', 'INVALID_PARAMETER', 'limit must be between 1 and 1000.')
    if (!Number.isInteger(offset) || offset < 0) return fail(400, 'Bad Request', 'INVALID_PARAMETER', 'offset must be 0 or more.')
    // unconfirmed: how a page past the cap is refused; the cap itself is documented (REFERENCE §2.2)
    if (offset > 0 && offset >= cap) return fail(400, 'Bad Request', 'INVALID_PARAMETER', `Offset paging reaches ${cap} results at most; page by id instead.`)
    return frozen ? frozen.answer(`${req.path}?${req.query}\n${req.body}`, () => answer(req)) : answer(req)
  }

  const answer = (req: ImitationRequest): ImitationResponse => {
    const limit = Number(req.query.get('limit') ?? 1000)
    const offset = Number(req.query.get('offset') ?? 0)
    let q
    try {
      const text = (JSON.parse(req.body || '{}') as { q?: string }).q ?? ''
      queries.push(text)
      q = parseSelect(text, true)
    } catch (e) {
      return fail(400, 'Bad Request', 'INVALID_PARAMETER', `Invalid search query: ${(e as Error).message}`)
    }
    const access = q.from === 'deletedrecord' ? (opts.deletedRecordAccess ?? 'granted') : 'granted'
    // unconfirmed: the 403's code and wording
    if (access === 'forbidden') return fail(403, 'Forbidden', 'INSUFFICIENT_PERMISSION', "Permission Violation: You need the 'Deleted Records' permission to access this record.")
    // The log of deletions exists (empty) in every account; the role may not see it.
    const table = access === 'granted' ? (opts.data[q.from] ?? (q.from === 'deletedrecord' ? [] : undefined)) : undefined
    if (!table) return fail(400, 'Bad Request', 'INVALID_PARAMETER', `Invalid search query. Detailed unprocessed description follows. Search error occurred: Record '${q.from}' was not found.`)
    const get = (r: NsRow, f: string) => comparable(r[f.replace(/^\w+\./, '')])
    let rows: NsRow[]
    // Frozen: the listing without a keyset condition (`id > N` on the one ascending ORDER BY
    // column) is filtered and sorted once; the condition is then a binary search into it.
    const order = q.orderBy.length === 1 && !q.orderBy[0].desc ? q.orderBy[0].field.replace(/^\w+\./, '') : undefined
    const keyset = frozen && order ? q.where.find((c) => c.op === '>' && c.value !== null && c.field.replace(/^\w+\./, '') === order) : undefined
    if (frozen) {
      const rest = q.where.filter((c) => c !== keyset)
      const from = q.from
      const all = frozen.once(`rows:${from}|${JSON.stringify(rest)}|${JSON.stringify(q.orderBy)}`, () =>
        sortRows(table.filter((r) => rest.every((c) => matches(get(r, c.field), c))), q.orderBy, get))
      let lo = 0
      let hi = keyset ? all.length : 0
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (matches(get(all[mid], keyset!.field), keyset!)) hi = mid
        else lo = mid + 1
      }
      rows = lo ? all.slice(lo) : all
    } else {
      rows = sortRows(table.filter((r) => q.where.every((c) => matches(get(r, c.field), c))), q.orderBy, get)
    }
    if (q.limit !== undefined) rows = rows.slice(0, q.limit)
    const slice = rows.slice(offset, Math.min(offset + limit, cap)) // rows past the cap are out of reach
    const base = `${req.origin}${req.path}`
    const hasMore = offset + slice.length < rows.length
    const links = [
      ...(hasMore ? [{ rel: 'next', href: `${base}?limit=${limit}&offset=${offset + limit}` }] : []),
      { rel: 'last', href: `${base}?limit=${limit}&offset=${Math.max(0, Math.floor((rows.length - 1) / limit) * limit)}` },
      { rel: 'self', href: `${base}?limit=${limit}${offset ? `&offset=${offset}` : ''}` },
    ]
    const items = slice.map((r) => project(r, q.fields))
    return { status: 200, body: { links, count: items.length, hasMore, items, offset, totalResults: rows.length } }
  }

  const deleteRecord = (table: string, id: string): NsRow => {
    const rows = opts.data[table]
    const at = rows?.findIndex((r) => r.id === id) ?? -1
    if (!rows || at < 0) throw new Error(`NetSuite imitation: no ${table} record ${id} to delete`)
    const [row] = rows.splice(at, 1)
    const log = (opts.data.deletedrecord ??= [])
    const type = table === 'transaction' ? (DELETED_TRANSACTION_TYPE[String(row.type)] ?? String(row.type).toLowerCase()) : table
    const name = row.entityid ?? row.tranid ?? row.companyname ?? row.name ?? row.externalid ?? null
    // `id` is the imitation's own row number; the connector reads recordid.
    log.push({ id: String(log.length + 1), recordid: id, type, name: typeof name === 'string' ? name : null, deleteddate: nsDateTime(clock.now().toISOString()), context: 'UI', iscustomrecord: table.startsWith('customrecord') ? 'T' : 'F' })
    return row
  }

  const im = await startServer(handler, {
    rateLimited: () => fail(429, 'Too Many Requests', 'CONCURRENCY_LIMIT_EXCEEDED', 'Concurrent request limit exceeded. Request blocked.'),
    serverError: (status) => fail(status, 'Service Unavailable', 'UNEXPECTED_ERROR', 'An unexpected error occurred.'),
    expireTokens: () => {
      revoked = true
    },
  }, opts)
  return Object.assign(im, { deleteRecord, queries })
}

/** SELECT list → item: `col`, `col AS alias`, `BUILTIN.DF(col) [AS alias]`, `*`. Nulls are left out (unconfirmed). */
function project(r: NsRow, fields: string[]): Record<string, unknown> {
  const item: Record<string, unknown> = { links: [] }
  const put = (name: string, v: unknown) => {
    if (v !== null && v !== undefined) item[name] = v
  }
  for (const f of fields) {
    if (f === '*') {
      for (const [k, v] of Object.entries(r)) if (k !== '__df') put(k, v)
      continue
    }
    const [expr, alias] = f.split(' as ')
    const df = /^builtin\.df\((.+)\)$/.exec(expr)
    const col = (df ? df[1] : expr).replace(/^\w+\./, '')
    put(alias ?? col, df ? (r.__df?.[col] ?? r[col]) : r[col])
  }
  return item
}
