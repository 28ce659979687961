// NetSuite (erp) through SuiteQL (REFERENCE §2): POST /services/rest/query/v1/suiteql?limit&offset
// with `Prefer: transient`, signed with TBA. Rows are ordered by id (paged SuiteQL needs a unique
// ORDER BY), offsets while hasMore, then keyset `id > last` past the 100,000-row cap. The
// account-wide concurrency (shared with the firm's other integrations) is the source's cap.
// Incremental pulls then read the deletion feed, SuiteQL's `deletedrecord`, over the same window.
import { expectAuth, tokenBasedAuth } from '../framework/auth.ts'
import { ConnectorHttpError, RetryableError } from '../framework/errors.ts'
import type { SourceHttp } from '../framework/http.ts'
import { offsetKeysetPager } from '../framework/pagers.ts'
import { entitySource } from '../framework/source.ts'
import type { ConnectorType, EntitySource, Page, ReadOptions } from '../framework/types.ts'
import { readWindow, topColumns, windowDone } from '../framework/window.ts'

interface SuiteQlAnswer {
  items: Array<Record<string, unknown>>
  hasMore: boolean
  count?: number
  offset?: number
}

export const SUITEQL_PATH = '/services/rest/query/v1/suiteql'
export const SUITEQL_ROW_CAP = 100_000

/** `YYYY-MM-DD HH24:MI:SS` in the zone SuiteQL compares in. ⚠ Whether that is the account's or the
 *  role user's zone must be confirmed on a live tenant; `query_time_zone` sets it (default UTC). */
export function suiteqlDate(d: Date, timeZone = 'UTC'): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  )
  return `TO_DATE('${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}', 'YYYY-MM-DD HH24:MI:SS')`
}

export function buildSuiteQl(o: { table: string; columns: string[]; conditions: string[]; idColumn: string; afterKey?: string }): string {
  const where = o.conditions.filter(Boolean)
  if (o.afterKey !== undefined) where.push(`${o.idColumn} > ${Number(o.afterKey)}`)
  return `SELECT ${o.columns.join(', ')} FROM ${o.table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${o.idColumn}`
}

async function* readNetSuite(entity: string, o: ReadOptions): AsyncGenerator<Page> {
  const { http } = o
  const src: EntitySource = entitySource(netsuite.defaultSources, entity, o.source)
  if (!src.table) throw new Error(`NetSuite entity ${entity} has no standard table: set its source.table (e.g. a custom record such as customrecord_cw_rate_card).`)
  const idCol = src.id_column ?? 'id'
  const modCol = src.modified_column ?? 'lastmodifieddate'
  const win = readWindow(o)
  const tz = http.config.query_time_zone
  const conditions = [
    src.where ? `(${src.where})` : '',
    ...(o.mode === 'incremental' ? windowConditions(modCol, win, tz) : []),
  ]
  // `custom_fields.X` is the plain column X in SuiteQL; a mapping's `source.columns` names
  // expressions by the alias its fields read (`BUILTIN.DF(job.entitystatus) AS status_name`).
  const aliases = (src.columns as Record<string, string> | undefined) ?? {}
  const columns = topColumns(o.columns.map((c) => c.replace(/^custom_fields\./, '')), [idCol, modCol])
    .map((c) => (aliases[c] ? `${aliases[c]} AS ${c}` : c))
  const deletedType = o.mode === 'incremental' && http.config.deletion_feed !== false && !feedUnavailable.has(http) ? netsuiteDeletedType(src) : undefined
  for await (const { result, last } of suiteqlPages(http, (afterKey) => buildSuiteQl({ table: src.table!, columns, conditions, idColumn: idCol, afterKey }), idCol)) {
    // Ordered by id, not by modification time: only a finished window moves the cursor, and
    // with a deletion feed to read the window finishes after it.
    // (⚠ lastmodifieddate comes back in the user's date format, often without a time.)
    const done = last && !deletedType
    yield { records: result.body.items ?? [], state: done ? windowDone(win.to) : null, last: done, full: o.mode === 'full', info: { url: result.url, status: result.status } }
  }
  if (deletedType) yield* readDeleted(http, deletedType, win)
}

function windowConditions(column: string, win: { from?: Date; to: Date }, tz: string | undefined): string[] {
  return [win.from ? `${column} >= ${suiteqlDate(win.from, tz)}` : '', `${column} < ${suiteqlDate(win.to, tz)}`]
}

/** Every page of one SuiteQL query, ordered by `idCol`: offsets, then keyset past the row cap. */
function suiteqlPages(http: SourceHttp, query: (afterKey?: string) => string, idCol: string) {
  return offsetKeysetPager<SuiteQlAnswer>({
    limit: Math.min(http.config.page_size ?? 1000, 1000),
    cap: http.config.row_cap ?? SUITEQL_ROW_CAP,
    fetchPage: ({ offset, limit, afterKey }) => http.json({ url: SUITEQL_PATH, query: { limit, offset }, headers: { prefer: 'transient' }, json: { q: query(afterKey) } }),
    items: (b) => b.items ?? [],
    hasMore: (b) => b.hasMore === true,
    keyOf: (row) => String((row as Record<string, unknown>)[idCol]),
    readAhead: http.config.read_ahead === true,
  })
}

/**
 * `deletedrecord` `type` per table (⚠ every value, and the table itself, must be confirmed on a
 * live tenant: public SuiteQL code selects `type, recordid, deleteddate` from it; Oracle documents
 * the SOAP getDeleted twin, which needs the role's "Deleted Records" permission). Transactions
 * by their `type` code. Custom records (rate cards) have no feed: their `type` is unknown.
 */
export const DELETED_RECORD_TYPES: Record<string, string> = { customer: 'customer', job: 'job', employee: 'employee', timebill: 'timebill' }
export const DELETED_TRANSACTION_TYPES: Record<string, string> = { CustInvc: 'invoice', ExpRept: 'expensereport' }

/** The `deletedrecord.type` of what a source reads, or undefined when it has no known feed. */
export function netsuiteDeletedType(src: EntitySource): string | undefined {
  const table = String(src.table ?? '').trim().split(/\s+/)[0].toLowerCase()
  if (table !== 'transaction') return DELETED_RECORD_TYPES[table]
  const code = /\btype\s*=\s*'(\w+)'/i.exec(src.where ?? '')?.[1]
  return code ? DELETED_TRANSACTION_TYPES[code] : undefined
}

/** Sources whose role could not read `deletedrecord` in this run: asked once, noted once. */
const feedUnavailable = new WeakSet<SourceHttp>()

/** What a role without the permission gets: 400 "Record 'deletedrecord' was not found" (as for any
 *  table it may not read, REFERENCE §2.6), or ⚠ a 403 naming a permission. */
function isPermissionError(e: unknown): e is ConnectorHttpError {
  return e instanceof ConnectorHttpError && (e.status === 400 || e.status === 403) && /not found|permission|not authori[sz]ed/i.test(e.body ?? e.message)
}

/** The first error detail of a NetSuite error body (RFC 9457 with `o:errorDetails`), else its text. */
function errorDetail(e: ConnectorHttpError): string {
  try {
    const b = JSON.parse(e.body ?? '') as { title?: string; 'o:errorDetails'?: Array<{ detail?: string }> }
    const detail = b['o:errorDetails']?.[0]?.detail ?? b.title
    if (detail) return detail.slice(0, 200)
  } catch {
    // not JSON: the text itself
  }
  return (e.body || e.message).slice(0, 200)
}

/**
 * The window's deletions of one record type: their record ids as deletedIds, the last page
 * finishing the window. A role that may not read the feed ends it with a note, deleting
 * nothing (full listings still delete), and the source's other entities skip it.
 */
async function* readDeleted(http: SourceHttp, type: string, win: { from?: Date; to: Date }): AsyncGenerator<Page> {
  const conditions = [`type = '${type}'`, ...windowConditions('deleteddate', win, http.config.query_time_zone)]
  const query = (afterKey?: string) => buildSuiteQl({ table: 'deletedrecord', columns: ['recordid', 'deleteddate'], conditions, idColumn: 'recordid', afterKey })
  try {
    for await (const { result, last } of suiteqlPages(http, query, 'recordid')) {
      const deletedIds = (result.body.items ?? []).map((r) => r.recordid).filter((id) => id !== undefined && id !== null).map(String)
      yield { records: [], ...(deletedIds.length ? { deletedIds } : {}), state: last ? windowDone(win.to) : null, last, info: { url: result.url, status: result.status } }
    }
  } catch (e) {
    if (!isPermissionError(e)) throw e
    feedUnavailable.add(http)
    const note = `NetSuite deletion feed unavailable (HTTP ${e.status}: ${errorDetail(e)}): this run reads no deletions from deletedrecord; they come from full listings. Give the role the "Deleted Records" permission, or set deletion_feed: false.`
    yield { records: [], state: windowDone(win.to), last: true, info: { url: e.url, status: e.status, note } }
  }
}

export const netsuite: ConnectorType = {
  type: 'netsuite',
  kinds: ['erp'],
  entities: ['account', 'project', 'rate_card', 'time_entry', 'expense', 'invoice', 'resource'],
  defaultSources: {
    account: { table: 'customer' },
    project: { table: 'job' },
    resource: { table: 'employee' },
    time_entry: { table: 'timebill' },
    // ⚠ Expense and invoice headers; line amounts live in transactionline (mainline = 'T' is the header).
    expense: { table: 'transaction', where: "type = 'ExpRept'" },
    invoice: { table: 'transaction', where: "type = 'CustInvc'" },
    rate_card: {},
  },
  // Account-wide slots (5–65) are shared with the firm's other integrations: take few.
  defaultLimits: { concurrency: 2 },
  auth(config, deps) {
    return tokenBasedAuth(expectAuth('netsuite', config.auth, 'tba'), deps.clock)
  },
  httpHooks: () => ({
    classify(status, body) {
      // ⚠ A concurrency violation may come as 429 (a slow-down) or as 400 SSS_REQUEST_LIMIT_EXCEEDED
      // (documented for RESTlets); the latter is retried after a backoff like a 5xx.
      if (status === 400 && body.includes('SSS_REQUEST_LIMIT_EXCEEDED')) return new RetryableError('NetSuite concurrency limit reached (SSS_REQUEST_LIMIT_EXCEEDED)', status)
      return undefined
    },
  }),
  read: readNetSuite,
  deletionFeed(_entity, source) {
    const type = netsuiteDeletedType(source)
    return type && `\`deletedrecord\` rows with \`type = '${type}'\` deleted within the window (⚠ table and type value unconfirmed)`
  },
}
