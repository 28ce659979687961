// Kantata OX (psa) (REFERENCE §5): GET /api/v1/<endpoint>.json?updated_after&include&page&per_page=200.
// The answer's `results` ([{key, id}]) is the ordered set; the id-keyed maps beside it also hold
// side-loaded records, so each result is denormalised: its included associations nested under the
// association's name (include=user → record.user.email_address), custom field values under
// custom_fields.<name>. No deletion feed is used (⚠ the Subscribed Events API's `*:deleted`
// events, kept 9 days, are not documented in enough detail): deletions come from full listings.
import { bearerToken, clientCredentials, expectAuth } from '../framework/auth.ts'
import { pageNumberPager } from '../framework/pagers.ts'
import { entitySource } from '../framework/source.ts'
import type { ConnectorType, EntitySource, Page, ReadOptions } from '../framework/types.ts'
import { isoSeconds, readWindow, whereParams, windowDone } from '../framework/window.ts'

type Rec = Record<string, unknown>
interface KantataAnswer {
  count?: number
  meta?: { page_count?: number; count?: number }
  results?: Array<{ key: string; id: string }>
  [key: string]: unknown
}

/** Association → the map its records are side-loaded in, where the name alone does not say it. */
const COLLECTIONS: Record<string, string> = { user: 'users', assignee: 'users', creator: 'users', approver: 'users', workspace: 'workspaces', story: 'stories', custom_field_values: 'custom_field_values', active_submission: 'submissions' }

function collectionOf(assoc: string, answer: KantataAnswer, overrides: Record<string, string>): Rec | undefined {
  const plural = assoc.endsWith('y') ? `${assoc.slice(0, -1)}ies` : assoc.endsWith('s') ? assoc : `${assoc}s`
  for (const k of [overrides[assoc], COLLECTIONS[assoc], plural, assoc]) if (k && answer[k] && typeof answer[k] === 'object') return answer[k] as Rec
  return undefined
}

/** Includes named by the columns: `user.email_address` → user, `custom_fields.x` → custom_field_values. */
export function kantataIncludes(columns: string[], include: string[] = []): string[] {
  const out = new Set(include)
  for (const c of columns) {
    const [top, ...rest] = c.split('.')
    if (!rest.length) continue
    // Only associations: a path into the record's own nested object (status.message) is no include.
    if (top === 'custom_fields') out.add('custom_field_values')
    else if (Object.hasOwn(COLLECTIONS, top)) out.add(top)
  }
  return [...out]
}

export function denormalise(answer: KantataAnswer, includes: string[], overrides: Record<string, string> = {}): Rec[] {
  // Per page, not per record: each association's side-loaded map and the id fields it goes by.
  const assocs = includes.flatMap((assoc) => {
    const map = collectionOf(assoc, answer, overrides)
    return map ? [{ assoc, map, one: `${assoc}_id`, many: `${assoc}_ids`, manySingular: assoc.endsWith('s') ? `${assoc.slice(0, -1)}_ids` : undefined }] : []
  })
  const results = answer.results ?? []
  const out: Rec[] = new Array(results.length)
  for (let i = 0; i < results.length; i++) {
    const { key, id } = results[i]
    // The page was parsed for this call alone, so its records are completed in place, not copied.
    const rec: Rec = ((answer[key] as Rec | undefined)?.[id] as Rec | undefined) ?? {}
    for (const a of assocs) {
      const one = rec[a.one]
      const many = rec[a.many] ?? (a.manySingular !== undefined ? rec[a.manySingular] : undefined)
      if (one !== undefined && one !== null) rec[a.assoc] = a.map[String(one)] ?? null
      else if (Array.isArray(many)) rec[a.assoc] = many.map((x) => a.map[String(x)]).filter(Boolean)
    }
    // ⚠ custom_field_values shape ({custom_field_name, value}) per public clients, to confirm live.
    const values = rec.custom_field_values
    if (Array.isArray(values)) {
      rec.custom_fields = Object.fromEntries((values as Rec[]).map((v) => [String(v.custom_field_name ?? v.custom_field_id), v.value ?? v.display_value ?? null]))
    }
    out[i] = rec
  }
  return out
}

async function* readKantata(entity: string, o: ReadOptions): AsyncGenerator<Page> {
  const { http } = o
  const src: EntitySource = entitySource(kantata.defaultSources, entity, o.source)
  if (!src.endpoint) throw new Error(`Kantata entity ${entity} needs source.endpoint (e.g. time_entries).`)
  const includes = kantataIncludes(o.columns, src.include)
  const win = readWindow(o)
  const perPage = Math.min(http.config.page_size ?? 200, 200)
  const query = {
    ...((src.params as Record<string, string> | undefined) ?? {}),
    ...whereParams(src.where),
    // ⚠ updated_after is not confirmed in Kantata's docs (created_after is): confirm on a live tenant.
    ...(o.mode === 'incremental' && win.from ? { updated_after: isoSeconds(win.from) } : {}),
    ...(includes.length ? { include: includes.join(',') } : {}),
    per_page: perPage,
  }
  const pages = pageNumberPager<KantataAnswer>({
    perPage,
    fetchPage: (page) => http.json({ url: `/api/v1/${src.endpoint}.json`, query: { ...query, page } }),
    items: (b) => b.results ?? [],
    pageCount: (b) => b.meta?.page_count ?? (b.count !== undefined ? Math.ceil(b.count / perPage) : undefined),
    readAhead: http.config.read_ahead === true,
  })
  for await (const { result, last } of pages) {
    const records = denormalise(result.body, includes, (src.collections as Record<string, string> | undefined) ?? {})
    yield { records, state: last ? windowDone(win.to) : null, last, ...(o.mode === 'full' ? { full: true } : {}), info: { url: result.url, status: result.status } }
  }
}

export const kantata: ConnectorType = {
  type: 'kantata',
  kinds: ['psa'],
  entities: ['project', 'resource', 'assignment', 'time_entry', 'expense'],
  defaultSources: {
    project: { endpoint: 'workspaces' },
    resource: { endpoint: 'users' },
    // ⚠ Project-level allocations; task-level ones are `assignments` (REFERENCE §5.6).
    assignment: { endpoint: 'workspace_allocations' },
    // Entries in archived workspaces are hidden unless asked for (a default filter, not a deletion).
    time_entry: { endpoint: 'time_entries', params: { from_archived_workspaces: 'true' } },
    expense: { endpoint: 'expenses' },
  },
  // ⚠ Limits are in a login-gated article; 429 answers are honoured as they come.
  defaultLimits: { concurrency: 2, timeout_ms: 180_000 },
  auth(config, deps) {
    const a = expectAuth('kantata', config.auth, 'token', 'client_credentials')
    if (a.type === 'token') return bearerToken(a.token)
    // ⚠ Token endpoint path unconfirmed for a client-credentials grant; set auth.token_url.
    return clientCredentials({ tokenUrl: a.token_url ?? new URL('/oauth/token', config.base_url).toString(), clientId: a.client_id, clientSecret: a.client_secret, scope: a.scope, clock: deps.clock, fetch: deps.fetch })
  },
  read: readKantata,
}
