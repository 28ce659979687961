// NetSuite (erp) through SuiteQL (REFERENCE §2): POST /services/rest/query/v1/suiteql?limit&offset
// with `Prefer: transient`, signed with TBA. Rows are ordered by id (paged SuiteQL needs a unique
// ORDER BY), offsets while hasMore, then keyset `id > last` past the 100,000-row cap. The
// account-wide concurrency (shared with the firm's other integrations) is the source's cap.
import { expectAuth, tokenBasedAuth } from '../framework/auth.ts'
import { RetryableError } from '../framework/errors.ts'
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
    ...(o.mode === 'incremental' ? [win.from ? `${modCol} >= ${suiteqlDate(win.from, tz)}` : '', `${modCol} < ${suiteqlDate(win.to, tz)}`] : []),
  ]
  // `custom_fields.X` is the plain column X in SuiteQL; a mapping's `source.columns` names
  // expressions by the alias its fields read (`BUILTIN.DF(job.entitystatus) AS status_name`).
  const aliases = (src.columns as Record<string, string> | undefined) ?? {}
  const columns = topColumns(o.columns.map((c) => c.replace(/^custom_fields\./, '')), [idCol, modCol])
    .map((c) => (aliases[c] ? `${aliases[c]} AS ${c}` : c))
  const limit = Math.min(http.config.page_size ?? 1000, 1000)
  const pages = offsetKeysetPager<SuiteQlAnswer>({
    limit,
    cap: http.config.row_cap ?? SUITEQL_ROW_CAP,
    fetchPage: ({ offset, limit, afterKey }) =>
      http.json({ url: SUITEQL_PATH, query: { limit, offset }, headers: { prefer: 'transient' }, json: { q: buildSuiteQl({ table: src.table!, columns, conditions, idColumn: idCol, afterKey }) } }),
    items: (b) => b.items ?? [],
    hasMore: (b) => b.hasMore === true,
    keyOf: (row) => String((row as Record<string, unknown>)[idCol]),
    readAhead: http.config.read_ahead === true,
  })
  for await (const { result, last } of pages) {
    // Ordered by id, not by modification time: only a finished window moves the cursor.
    // (⚠ lastmodifieddate comes back in the user's date format, often without a time.)
    yield { records: result.body.items ?? [], state: last ? windowDone(win.to) : null, last, full: o.mode === 'full', info: { url: result.url, status: result.status } }
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
}
