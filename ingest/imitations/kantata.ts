// Kantata OX imitation (REFERENCE §5): bearer token, /api/v1/<type>.json with page/per_page
// (max 200), `updated_after`, `include=` side-loading into top-level id-keyed maps, `results`
// giving the order, and meta {count, page_count, page_number, page_size}. Money is minor units
// with currency_base_unit and time is minutes, as Kantata answers them.
import { compare } from './soql.ts'
import { bearer, frozenOf, startServer, TokenStore, type CommonOptions, type Imitation, type ImitationRequest, type ImitationResponse } from './server.ts'
import { systemClock } from '../../server/lib/clock.ts'

export type KtObject = Record<string, unknown> & { id: string; updated_at?: string | null }
/** Top-level type (workspaces, users, time_entries, expenses, workspace_allocations, submissions, custom_field_values) → objects. */
export type KantataData = Record<string, KtObject[]>

/** Association name usable in include= → the type it loads and the id field on the object. */
export const KANTATA_ASSOCIATIONS: Record<string, { type: string; idField: string; many?: boolean }> = {
  user: { type: 'users', idField: 'user_id' },
  workspace: { type: 'workspaces', idField: 'workspace_id' },
  // unconfirmed: approval state side-loaded from the entry's active submission
  active_submission: { type: 'submissions', idField: 'active_submission_id' },
  custom_field_values: { type: 'custom_field_values', idField: 'custom_field_value_ids', many: true },
}

export interface KantataOptions extends CommonOptions {
  data: KantataData
  /** Bearer tokens accepted (OAuth access tokens issued out of band). */
  tokens?: string[]
}

const kerr = (status: number, message: string): ImitationResponse => ({ status, body: { errors: [{ type: 'system', message }] } })

export async function startKantataImitation(opts: KantataOptions): Promise<Imitation> {
  const tokens = new TokenStore(opts.clock ?? systemClock, 0, '')
  for (const t of opts.tokens ?? ['kantata-token']) tokens.add(t)

  const frozen = frozenOf(opts)
  const byId = (type: string): Map<string, KtObject> | undefined =>
    frozen?.once(`index:${type}`, () => new Map((opts.data[type] ?? []).map((x) => [x.id, x])))

  const handler = (req: ImitationRequest): ImitationResponse => {
    if (!tokens.valid(bearer(req))) return kerr(401, 'Must be logged in')
    return frozen ? frozen.answer(`${req.path}?${req.query}`, () => answer(req)) : answer(req)
  }

  const answer = (req: ImitationRequest): ImitationResponse => {
    const m = /^\/api\/v1\/(\w+)\.json$/.exec(req.path)
    const type = m?.[1]
    if (!type || !opts.data[type]) return kerr(404, 'not found')
    const perPage = Number(req.query.get('per_page') ?? 20)
    const page = Number(req.query.get('page') ?? 1)
    if (!(perPage >= 1 && perPage <= 200) || !(page >= 1)) return kerr(422, 'per_page must be between 1 and 200')
    let rows = opts.data[type]
    // unconfirmed: updated_after is not in the retrieved docs (REFERENCE §5.3); imitated as updated_at > value
    const after = req.query.get('updated_after')
    if (after) rows = rows.filter((r) => r.updated_at != null && compare(r.updated_at, after) > 0)
    const only = req.query.get('only')
    if (only) rows = rows.filter((r) => only.split(',').includes(r.id))
    // Stable order by numeric id, so pages never overlap or skip while nothing changes.
    const sort = (list: KtObject[]) => [...list].sort((a, b) => compare(a.id, b.id))
    rows = frozen && rows === opts.data[type] ? frozen.once(`sorted:${type}`, () => sort(rows)) : sort(rows)
    const slice = rows.slice((page - 1) * perPage, page * perPage)
    const body: Record<string, unknown> = {
      count: rows.length,
      meta: { count: rows.length, page_count: Math.ceil(rows.length / perPage), page_number: page, page_size: perPage },
      results: slice.map((r) => ({ key: type, id: r.id })),
    }
    const maps: Record<string, Record<string, unknown>> = { [type]: Object.fromEntries(slice.map((r) => [r.id, r])) }
    for (const name of (req.query.get('include') ?? '').split(',').filter(Boolean)) {
      const a = KANTATA_ASSOCIATIONS[name]
      if (!a) return kerr(400, `Unknown include: ${name}`)
      const target = (maps[a.type] ??= {})
      for (const r of slice) {
        const ids = a.many ? ((r[a.idField] as string[] | undefined) ?? []) : [r[a.idField]]
        for (const id of ids) {
          const index = byId(a.type)
          const hit = id == null ? undefined : index ? index.get(id as string) : opts.data[a.type]?.find((x) => x.id === id)
          if (hit) target[hit.id] = hit
        }
      }
    }
    Object.assign(body, maps)
    return { status: 200, body }
  }

  return startServer(handler, {
    rateLimited: () => kerr(429, 'Too many requests, please retry after a small delay'),
    serverError: (status) => kerr(status, 'Internal Server Error'),
    expireTokens: () => tokens.expireAll(),
  }, opts)
}
