// Harvest v2 imitation (REFERENCE §6): Bearer token + Harvest-Account-Id + a required
// User-Agent, /v2/<type>?updated_since=&page=&per_page= (≤ 2000, else 422), cursor links.next,
// 100 requests per 15 s on the clock → 429 with Retry-After, decimal hours and major-unit money.
import { systemClock } from '../../server/lib/clock.ts'
import { compare } from './soql.ts'
import { bearer, frozenOf, startServer, TokenStore, Window, type CommonOptions, type Imitation, type ImitationRequest, type ImitationResponse } from './server.ts'

export type HvObject = Record<string, unknown> & { id: number; updated_at?: string }
/** Type (projects, users, user_assignments, time_entries, expenses, invoices) → objects. */
export type HarvestData = Record<string, HvObject[]>

export interface HarvestOptions extends CommonOptions {
  data: HarvestData
  token?: string
  accountId?: string
  /** Requests per 15 s (Harvest: 100). */
  requestsPer15s?: number
}

const herr = (status: number, error: string, description: string): ImitationResponse => ({ status, body: { error, error_description: description } })

export async function startHarvestImitation(opts: HarvestOptions): Promise<Imitation> {
  const clock = opts.clock ?? systemClock
  const tokens = new TokenStore(clock, 0, '')
  tokens.add(opts.token ?? 'harvest-token')
  const window = new Window(clock, opts.requestsPer15s ?? 100, 15_000)

  const frozen = frozenOf(opts)

  const handler = (req: ImitationRequest): ImitationResponse => {
    if (!req.headers['user-agent']) return herr(400, 'invalid_request', 'A User-Agent header is required, e.g. "MyApp (you@example.com)".')
    if (!tokens.valid(bearer(req)) || req.headers['harvest-account-id'] !== (opts.accountId ?? '1000001')) {
      return herr(401, 'invalid_token', 'The access token provided is expired, revoked, malformed or invalid for other reasons.')
    }
    const wait = window.hit()
    if (wait) return { status: 429, headers: { 'Retry-After': String(wait) }, body: { error: 'rate_limited', error_description: 'Too many requests' } }
    return frozen ? frozen.answer(`${req.path}?${req.query}`, () => answer(req)) : answer(req)
  }

  const answer = (req: ImitationRequest): ImitationResponse => {
    const type = /^\/v2\/(\w+)$/.exec(req.path)?.[1]
    if (!type || !opts.data[type]) return herr(404, 'not_found', 'Not found')
    const perPage = Number(req.query.get('per_page') ?? 2000)
    if (!(perPage >= 1 && perPage <= 2000)) return { status: 422, body: { message: 'per_page must be between 1 and 2000' } }
    const sort = () => [...opts.data[type]].sort((a, b) => a.id - b.id)
    let rows = frozen ? frozen.once(`sorted:${type}`, sort) : sort()
    const since = req.query.get('updated_since')
    if (since) rows = rows.filter((r) => r.updated_at !== undefined && compare(r.updated_at, since) >= 0)
    // unconfirmed: Harvest's default order is newest first; ascending ids keep the cursor simple
    const cursor = req.query.get('cursor')
    let page = Number(req.query.get('page') ?? 1)
    let start = (page - 1) * perPage
    if (cursor) {
      const after = (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { after: { id: number } }).after.id
      // The first row past `after` (rows are sorted by id): a binary search.
      let lo = 0
      let hi = rows.length
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (rows[mid].id > after) hi = mid
        else lo = mid + 1
      }
      start = lo
      page = Math.floor(start / perPage) + 1
    }
    const slice = rows.slice(start, start + perPage)
    const totalPages = Math.max(1, Math.ceil(rows.length / perPage))
    const more = start + perPage < rows.length
    const base = `${req.origin}/v2/${type}`
    const next = more
      ? `${base}?cursor=${Buffer.from(JSON.stringify({ after: { id: slice[slice.length - 1].id } })).toString('base64url')}&per_page=${perPage}&ref=next_cursor${since ? `&updated_since=${encodeURIComponent(since)}` : ''}`
      : null
    return {
      status: 200,
      body: {
        [type]: slice,
        per_page: perPage, total_pages: totalPages, total_entries: rows.length,
        // in cursor mode Harvest may answer null page numbers (REFERENCE §6.2)
        next_page: cursor ? null : more ? page + 1 : null, previous_page: cursor ? null : page > 1 ? page - 1 : null, page: cursor ? null : page,
        links: {
          first: `${base}?page=1&per_page=${perPage}&ref=first`,
          next,
          previous: page > 1 && !cursor ? `${base}?page=${page - 1}&per_page=${perPage}&ref=previous` : null,
          last: `${base}?page=${totalPages}&per_page=${perPage}&ref=last`,
        },
      },
    }
  }

  return startServer(handler, {
    rateLimited: () => ({ status: 429, body: { error: 'rate_limited', error_description: 'Too many requests' } }),
    serverError: (status) => ({ status, body: { error: 'server_error', error_description: 'Internal Server Error' } }),
    expireTokens: () => tokens.expireAll(),
  }, opts)
}
