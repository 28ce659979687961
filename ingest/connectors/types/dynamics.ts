// Dynamics 365 Project Operations (erp or psa) through the Dataverse Web API (REFERENCE §3).
// Change tracking first: a listing sent with `Prefer: odata.track-changes` ends with an
// @odata.deltaLink, saved as the cursor; replaying it returns changed rows and $deletedEntity
// entries (→ deletedIds). A delta link that fails (expired) falls back to a full listing. A table
// without change tracking, or with a firm `where`, is read by `modifiedon` windows instead.
import { clientCredentials, expectAuth } from '../framework/auth.ts'
import { ConnectorAuthError, ConnectorHttpError } from '../framework/errors.ts'
import type { SourceHttp } from '../framework/http.ts'
import { nextUrlPager } from '../framework/pagers.ts'
import { entitySource } from '../framework/source.ts'
import type { ConnectorType, EntitySource, Page, ReadOptions } from '../framework/types.ts'
import { isoSeconds, readWindow, windowDone, windowProgress } from '../framework/window.ts'

export const DATAVERSE_PATH = '/api/data/v9.2'
const FORMATTED = 'OData.Community.Display.V1.FormattedValue'

interface ODataAnswer {
  value: Array<Record<string, unknown>>
  '@odata.nextLink'?: string
  '@odata.deltaLink'?: string
}

/** $select from plain columns, $expand from `nav.column` paths; annotations are not columns. */
export function odataSelect(columns: string[], required: string[]): { select: string[]; expand: string[]; annotations: boolean } {
  const select = new Set<string>(required)
  const expand = new Map<string, Set<string>>()
  let annotations = false
  for (const c of columns) {
    const [col, annotation] = c.split('@')
    if (annotation) annotations = true
    const [nav, ...rest] = col.split('.')
    if (rest.length) {
      if (!expand.has(nav)) expand.set(nav, new Set())
      expand.get(nav)!.add(rest[0])
    } else if (col) select.add(col)
  }
  return { select: [...select], expand: [...expand].map(([nav, cols]) => `${nav}($select=${[...cols].join(',')})`), annotations }
}

function isDeleted(row: Record<string, unknown>): boolean {
  return String(row['@odata.context'] ?? '').endsWith('$deletedEntity') || row.reason === 'deleted'
}

/** ⚠ How Dataverse answers an expired or invalid delta token is unconfirmed (410 Gone is
 *  reported by a third party; older tokens may instead silently return every row, which is
 *  harmless). Any 4xx on a delta link, other than a refused login or a slow-down, counts as expired. */
function deltaExpired(e: unknown): boolean {
  return e instanceof ConnectorHttpError && e.status >= 400 && e.status < 500 && e.status !== 429
}

async function* readDynamics(entity: string, o: ReadOptions): AsyncGenerator<Page> {
  const { http } = o
  const src: EntitySource = entitySource(dynamics.defaultSources, entity, o.source)
  if (!src.entity_set) throw new Error(`Dynamics entity ${entity} needs source.entity_set (the Dataverse entity set to read).`)
  // ⚠ The id column is the table's logical name + id; derived from a plural entity set it is a guess.
  const idCol = src.id_column ?? `${src.entity_set.replace(/ies$/, 'y').replace(/s$/, '')}id`
  const modCol = src.modified_column ?? 'modifiedon'
  const win = readWindow(o)
  const q = odataSelect(o.columns, [idCol, modCol])
  const pageSize = Math.min(http.config.page_size ?? 5000, 5000)
  const prefer = [`odata.maxpagesize=${pageSize}`, ...(q.annotations ? [`odata.include-annotations="${FORMATTED}"`] : [])]
  const tracking = src.track_changes !== false && !src.where
  const list = (trackChanges: boolean, filter?: string) => {
    const query: Record<string, string | undefined> = { $select: q.select.join(',') }
    // ⚠ Change-tracking requests take $select only (no $filter/$expand): a live tenant must confirm.
    if (!trackChanges && q.expand.length) query.$expand = q.expand.join(',')
    if (filter) query.$filter = filter
    if (!trackChanges && filter) query.$orderby = `${modCol} asc,${idCol} asc`
    return http.resolve(`${DATAVERSE_PATH}/${src.entity_set}`, query)
  }
  const headers = (trackChanges: boolean) => ({ prefer: [...(trackChanges ? ['odata.track-changes'] : []), ...prefer].join(','), 'odata-version': '4.0', 'odata-maxversion': '4.0' })

  if (o.mode === 'incremental' && o.state?.kind === 'delta_token') {
    const delta = pages(http, o.state.value, headers(true))
    let first: Awaited<ReturnType<typeof delta.next>>
    try {
      first = await delta.next()
    } catch (e) {
      if (!deltaExpired(e)) throw e
      yield* toPages(pages(http, list(true), headers(true)), { to: win.to, full: true })
      return
    }
    yield* toPages(prepend(first, delta), { to: win.to, full: false })
    return
  }
  if (o.mode === 'full' || (tracking && !o.state && !o.since)) {
    // A firm's `where` (which turns change tracking off) also limits a full listing.
    yield* toPages(pages(http, list(tracking, tracking || !src.where ? undefined : src.where), headers(tracking)), { to: win.to, full: o.mode === 'full' })
    return
  }
  const filter = [win.from ? `${modCol} ge ${isoSeconds(win.from)}` : '', `${modCol} lt ${isoSeconds(win.to)}`, src.where ? `(${src.where})` : ''].filter(Boolean).join(' and ')
  let state = o.state
  for await (const { result, last } of pages(http, list(false, filter), headers(false))) {
    const rows = result.body.value ?? []
    state = last ? windowDone(win.to) : windowProgress(rows, modCol, win.to, state)
    yield { records: rows, state, last, info: { url: result.url, status: result.status } }
  }
}

function pages(http: SourceHttp, first: string, headers: Record<string, string>) {
  return nextUrlPager<ODataAnswer>(first, (url) => http.json({ url, headers }), (b) => b['@odata.nextLink'])
}

async function* prepend<T>(first: IteratorResult<T>, rest: AsyncIterator<T>): AsyncGenerator<T> {
  if (first.done) return
  yield first.value
  for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value
}

/** Tracked pages: deleted entities split off; the last page's deltaLink is the next cursor
 *  (a table without change tracking gives none: then the window's end is). */
async function* toPages(it: AsyncIterable<{ result: { url: string; status: number; body: ODataAnswer }; last: boolean }>, o: { to: Date; full: boolean }): AsyncGenerator<Page> {
  for await (const { result, last } of it) {
    const rows = result.body.value ?? []
    const deletedIds = rows.filter(isDeleted).map((r) => String(r.id))
    const deltaLink = result.body['@odata.deltaLink']
    const state = !last ? null : deltaLink ? { kind: 'delta_token' as const, value: deltaLink } : windowDone(o.to)
    yield { records: rows.filter((r) => !isDeleted(r)), ...(deletedIds.length ? { deletedIds } : {}), state, last, ...(o.full ? { full: true } : {}), info: { url: result.url, status: result.status } }
  }
}

export const dynamics: ConnectorType = {
  type: 'dynamics',
  kinds: ['erp', 'psa'],
  entities: ['project', 'resource', 'assignment', 'rate_card', 'time_entry', 'expense', 'invoice', 'account'],
  defaultSources: {
    account: { entity_set: 'accounts', id_column: 'accountid' },
    project: { entity_set: 'msdyn_projects', id_column: 'msdyn_projectid' },
    resource: { entity_set: 'bookableresources', id_column: 'bookableresourceid' },
    assignment: { entity_set: 'msdyn_resourceassignments', id_column: 'msdyn_resourceassignmentid' },
    // ⚠ Role prices per price list; columns unconfirmed (REFERENCE §3.1).
    rate_card: { entity_set: 'msdyn_resourcecategorypricelevels', id_column: 'msdyn_resourcecategorypricelevelid' },
    time_entry: { entity_set: 'msdyn_timeentries', id_column: 'msdyn_timeentryid' },
    expense: { entity_set: 'msdyn_expenses', id_column: 'msdyn_expenseid' },
    invoice: { entity_set: 'invoices', id_column: 'invoiceid' },
  },
  // Service protection: 6,000 requests per 5 minutes and 52 concurrent, per user per server.
  defaultLimits: { requests: 6000, per_ms: 300_000, concurrency: 8 },
  auth(config, deps) {
    const a = expectAuth('dynamics', config.auth, 'client_credentials')
    const tokenUrl = a.token_url ?? (a.tenant_id ? `https://login.microsoftonline.com/${a.tenant_id}/oauth2/v2.0/token` : undefined)
    if (!tokenUrl) throw new ConnectorAuthError('A dynamics connector needs auth.token_url or auth.tenant_id (the Entra ID tenant that issues its tokens).')
    const scope = a.scope ?? `${new URL(config.base_url).origin}/.default`
    return clientCredentials({ tokenUrl, clientId: a.client_id, clientSecret: a.client_secret, scope, clock: deps.clock, fetch: deps.fetch })
  },
  read: readDynamics,
}
