// Dynamics 365 / Dataverse imitation (REFERENCE §3): Entra client_credentials token at a
// configurable path, OData v4 entity sets with $select/$filter/$orderby/$expand/$top,
// odata.maxpagesize → @odata.nextLink, odata.track-changes → @odata.deltaLink with
// $deletedEntity rows and tokens that expire on the clock, FormattedValue annotations on request,
// and 429 + Retry-After from a 5-minute service-protection window.
import { systemClock } from '../../server/lib/clock.ts'
import { matches, sortRows, type Cond } from './soql.ts'
import { bearer, readForm, startServer, TokenStore, Window, type CommonOptions, type Imitation, type ImitationRequest, type ImitationResponse } from './server.ts'

/** A row as the Web API answers it; `__fv` holds the FormattedValue annotation text per column. */
export type DvRow = Record<string, unknown> & { __fv?: Record<string, string> }
/** Entity set name (msdyn_timeentries, bookableresources, transactioncurrencies, …) → rows. */
export type DynamicsData = Record<string, DvRow[]>

export interface DynamicsOptions extends CommonOptions {
  data: DynamicsData
  tenantId?: string
  clientId?: string
  clientSecret?: string
  tokenTtlSeconds?: number
  /** Days a delta token stays good (Organization.ExpireChangeTrackingInDays, default 30). */
  deltaTokenDays?: number
  /** Service protection: requests per window (Dataverse: 6,000 per 300 s). */
  rateLimit?: { requests: number; windowSeconds: number }
}

/** Lookup navigation property → the entity set it points to. */
export const DATAVERSE_NAV: Record<string, string> = {
  msdyn_project: 'msdyn_projects', msdyn_projectid: 'msdyn_projects', msdyn_bookableresource: 'bookableresources',
  msdyn_bookableresourceid: 'bookableresources', transactioncurrencyid: 'transactioncurrencies', msdyn_customer: 'accounts',
  customerid_account: 'accounts', msdyn_resourcecategory: 'bookableresourcecategories', msdyn_invoice: 'invoices',
}

/** The primary key column of an entity set: msdyn_timeentries → msdyn_timeentryid. */
export function primaryKey(set: string): string {
  const singular = set.endsWith('ies') ? `${set.slice(0, -3)}y` : set.replace(/s$/, '')
  return `${singular}id`
}

const API = '/api/data/v9.2/'
const oerr = (status: number, code: string, message: string, headers?: Record<string, string>): ImitationResponse => ({ status, headers, body: { error: { code, message } } })

interface Listing { set: string; rows: DvRow[]; select?: string[]; expand: Expand[]; annotate: boolean; delta: boolean }
interface Expand { nav: string; select?: string[] }

export async function startDynamicsImitation(opts: DynamicsOptions): Promise<Imitation> {
  const clock = opts.clock ?? systemClock
  const tenant = opts.tenantId ?? 'imitation-tenant'
  const tokens = new TokenStore(clock, opts.tokenTtlSeconds ?? 3599, 'eyJ0eXAiOiJKV1Qi.dv.')
  const window = new Window(clock, opts.rateLimit?.requests ?? 6000, (opts.rateLimit?.windowSeconds ?? 300) * 1000)
  const pages = new Map<string, { listing: Listing; offset: number }>()
  const deltas = new Map<string, { set: string; issued: number; snapshot: Map<string, string> }>()
  let seq = 0

  const token = (req: ImitationRequest): ImitationResponse => {
    const f = readForm(req.body)
    if (f.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'AADSTS70003: The app requested an unsupported grant type.' } }
    if (f.get('client_id') !== (opts.clientId ?? 'dv-client') || f.get('client_secret') !== (opts.clientSecret ?? 'dv-secret')) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] } }
    }
    if (!/\/\.default$/.test(f.get('scope') ?? '')) return { status: 400, body: { error: 'invalid_scope', error_description: 'AADSTS1002012: The provided value for scope is not valid.' } }
    const { token: t, expiresIn } = tokens.issue()
    return { status: 200, body: { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: t } }
  }

  const shape = (row: DvRow, l: Pick<Listing, 'select' | 'expand' | 'annotate'>): Record<string, unknown> => {
    const out: Record<string, unknown> = {}
    if (row.versionnumber !== undefined) out['@odata.etag'] = `W/"${String(row.versionnumber)}"`
    const cols = l.select ?? Object.keys(row).filter((k) => k !== '__fv')
    for (const c of cols) {
      out[c] = row[c] ?? null
      const fv = row.__fv?.[c]
      if (l.annotate && fv !== undefined && row[c] != null) out[`${c}@OData.Community.Display.V1.FormattedValue`] = fv
    }
    for (const e of l.expand) {
      const target = DATAVERSE_NAV[e.nav]
      const id = row[`_${e.nav}_value`]
      const hit = id == null ? undefined : opts.data[target]?.find((r) => r[primaryKey(target)] === id)
      out[e.nav] = hit ? shape(hit, { select: e.select && [...e.select, primaryKey(target)], expand: [], annotate: l.annotate }) : null
    }
    return out
  }

  const answer = (req: ImitationRequest, l: Listing, offset: number): ImitationResponse => {
    const prefer = String(req.headers.prefer ?? '')
    const size = Math.min(Number(/odata\.maxpagesize=(\d+)/.exec(prefer)?.[1] ?? 5000), 5000)
    const slice = l.rows.slice(offset, offset + size)
    const context = `${req.origin}${API}$metadata#${l.set}${l.select ? `(${l.select.join(',')})` : ''}`
    const body: Record<string, unknown> = { '@odata.context': context }
    body.value = slice.map((r) => (r.__deleted ? { '@odata.context': `${req.origin}${API}$metadata#${l.set}/$deletedEntity`, id: r.id, reason: 'deleted' } : shape(r, l)))
    const applied: string[] = [`odata.maxpagesize=${size}`]
    if (offset + size < l.rows.length) {
      const skip = `${++seq}`
      pages.set(skip, { listing: l, offset: offset + size })
      body['@odata.nextLink'] = `${req.origin}${API}${l.set}?${keep(req.query)}$skiptoken=${encodeURIComponent(`<cookie pagenumber="${skip}" />`)}`
    } else if (l.delta) {
      const tok = `${++seq}!${clock.now().toISOString()}`
      deltas.set(tok, { set: l.set, issued: clock.now().getTime(), snapshot: snapshot(l.set) })
      body['@odata.deltaLink'] = `${req.origin}${API}${l.set}?${keep(req.query)}$deltatoken=${encodeURIComponent(tok)}`
    }
    if (l.delta) applied.push('odata.track-changes')
    return { status: 200, headers: { 'Preference-Applied': applied.join(','), 'OData-Version': '4.0' }, body }
  }

  const snapshot = (set: string) => new Map((opts.data[set] ?? []).map((r) => [String(r[primaryKey(set)]), JSON.stringify(r)]))

  const handler = (req: ImitationRequest): ImitationResponse => {
    if (req.path === `/${tenant}/oauth2/v2.0/token` && req.method === 'POST') return token(req)
    if (!req.path.startsWith(API)) return oerr(404, '0x80060888', `Resource not found for the segment '${req.path}'.`)
    if (!tokens.valid(bearer(req))) return oerr(401, '0x80072560', 'The user is not authenticated or the token expired.', { 'WWW-Authenticate': `Bearer authorization_uri=${req.origin}/${tenant}/oauth2/authorize` })
    const wait = window.hit()
    if (wait) return oerr(429, '0x80072322', `Number of requests exceeded the limit of ${opts.rateLimit?.requests ?? 6000} over time window of ${opts.rateLimit?.windowSeconds ?? 300} seconds.`, { 'Retry-After': String(wait) })
    const set = req.path.slice(API.length)
    const rows = opts.data[set]
    if (!rows) return oerr(404, '0x80060888', `Resource not found for the segment '${set}'.`)
    const skip = req.query.get('$skiptoken')
    if (skip) {
      const p = pages.get(/pagenumber="(\d+)"/.exec(skip)?.[1] ?? '')
      if (!p) return oerr(400, '0x80040203', 'Invalid $skiptoken.')
      return answer(req, p.listing, p.offset)
    }
    const prefer = String(req.headers.prefer ?? '')
    let base: Omit<Listing, 'rows'>
    try {
      base = {
        set,
        select: req.query.get('$select')?.split(',').map((s) => s.trim()),
        expand: parseExpand(req.query.get('$expand')),
        annotate: /OData\.Community\.Display\.V1\.FormattedValue|include-annotations="\*"/.test(prefer),
        delta: /odata\.track-changes/.test(prefer) || req.query.has('$deltatoken'),
      }
      for (const c of base.select ?? []) if (!rows.some((r) => c in r)) throw new Error(`Could not find a property named '${c}' on type 'Microsoft.Dynamics.CRM.${set}'.`)
      for (const e of base.expand) if (!DATAVERSE_NAV[e.nav]) throw new Error(`Could not find a property named '${e.nav}' on type 'Microsoft.Dynamics.CRM.${set}'.`)
    } catch (e) {
      return oerr(400, '0x80060888', (e as Error).message)
    }
    const deltaToken = req.query.get('$deltatoken')
    if (deltaToken) {
      const d = deltas.get(deltaToken)
      const fresh = d && d.set === set && clock.now().getTime() - d.issued <= (opts.deltaTokenDays ?? 30) * 86_400_000
      // An expired or unknown token answers everything again (REFERENCE §3.4), never an error.
      if (fresh) {
        const now = snapshot(set)
        const key = primaryKey(set)
        const changed: DvRow[] = rows.filter((r) => d.snapshot.get(String(r[key])) !== now.get(String(r[key])))
        for (const id of d.snapshot.keys()) if (!now.has(id)) changed.push({ __deleted: true, id })
        return answer(req, { ...base, rows: changed }, 0)
      }
    }
    let filter: Cond[]
    try {
      filter = parseFilter(req.query.get('$filter'))
    } catch (e) {
      return oerr(400, '0x80060888', (e as Error).message)
    }
    let out = rows.filter((r) => filter.every((c) => matches(r[c.field], c)))
    const order = req.query.get('$orderby')
    if (order) out = sortRows(out, order.split(',').map((o) => ({ field: o.trim().split(/\s+/)[0], desc: /\sdesc$/i.test(o.trim()) })), (r, f) => r[f])
    const top = req.query.get('$top')
    if (top) out = out.slice(0, Number(top))
    return answer(req, { ...base, rows: out }, 0)
  }

  return startServer(handler, {
    rateLimited: (s) => oerr(429, '0x80072322', `Number of requests exceeded the limit; retry after ${s} s.`),
    serverError: (status) => oerr(status, '0x80040216', 'An unexpected error occurred.'),
    expireTokens: () => tokens.expireAll(),
  }, opts)
}

/** The query string minus paging tokens, ending in & so a token can follow. */
function keep(q: URLSearchParams): string {
  const p = new URLSearchParams(q)
  p.delete('$skiptoken')
  p.delete('$deltatoken')
  const s = p.toString().replace(/%24/g, '$').replace(/%2C/g, ',')
  return s ? `${s}&` : ''
}

/** `$expand=msdyn_project($select=cw_key),transactioncurrencyid($select=isocurrencycode)`. */
function parseExpand(s: string | null): Expand[] {
  if (!s) return []
  const out: Expand[] = []
  for (const m of s.matchAll(/(\w+)(?:\(\$select=([^)]*)\))?/g)) out.push({ nav: m[1], select: m[2]?.split(',').map((x) => x.trim()) })
  return out
}

/** `$filter` subset: `col op value [and …]`, ops eq ne gt ge lt le; values quoted, numbers, GUIDs, datetimes, true/false/null. */
export function parseFilter(s: string | null): Cond[] {
  if (!s) return []
  const ops: Record<string, Cond['op']> = { eq: '=', ne: '!=', gt: '>', ge: '>=', lt: '<', le: '<=' }
  return s.split(/\s+and\s+/i).map((part) => {
    // Grouping parentheses around and-ed conditions carry no meaning here.
    const m = /^\s*(\w+)\s+(eq|ne|gt|ge|lt|le)\s+(.+?)\s*$/i.exec(part.replace(/^\s*\(+|\)+\s*$/g, ''))
    if (!m) throw new Error(`The query parameter $filter is not supported here: '${part}'.`)
    const raw = m[3]
    let value: Cond['value'] = raw
    if (raw.startsWith("'")) value = raw.slice(1, -1).replace(/''/g, "'")
    else if (/^(true|false)$/i.test(raw)) value = raw.toLowerCase() === 'true'
    else if (/^null$/i.test(raw)) value = null
    else if (/^-?\d+(\.\d+)?$/.test(raw)) value = Number(raw)
    return { field: m[1], op: ops[m[2].toLowerCase()], value }
  })
}
