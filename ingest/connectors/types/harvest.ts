// Harvest v2 (psa) (REFERENCE §6): GET /v2/<endpoint>?updated_since&per_page=2000, following
// links.next (cursor-based; page numbers may be null). Bearer token + Harvest-Account-Id, and a
// User-Agent, without which Harvest answers 400. 100 requests per 15 s per token. No deletion
// feed: deletions come from full listings only.
import { bearerToken, expectAuth } from '../framework/auth.ts'
import { ConnectorAuthError } from '../framework/errors.ts'
import { nextUrlPager } from '../framework/pagers.ts'
import { entitySource } from '../framework/source.ts'
import type { ConnectorType, EntitySource, Page, ReadOptions } from '../framework/types.ts'
import { isoSeconds, readWindow, whereParams, windowDone } from '../framework/window.ts'

interface HarvestAnswer {
  links?: { next?: string | null }
  [key: string]: unknown
}

async function* readHarvest(entity: string, o: ReadOptions): AsyncGenerator<Page> {
  const { http } = o
  const src: EntitySource = entitySource(harvest.defaultSources, entity, o.source)
  if (!src.endpoint) throw new Error(`Harvest entity ${entity} needs source.endpoint (e.g. time_entries).`)
  const key = (src.records_key as string | undefined) ?? src.endpoint.split('/').pop()!
  const win = readWindow(o)
  const first = http.resolve(`/v2/${src.endpoint}`, {
    ...whereParams(src.where),
    ...(o.mode === 'incremental' && win.from ? { updated_since: isoSeconds(win.from) } : {}),
    per_page: Math.min(http.config.page_size ?? 2000, 2000),
  })
  for await (const { result, last } of nextUrlPager<HarvestAnswer>(first, (url) => http.json({ url }), (b) => b.links?.next, http.config.read_ahead === true)) {
    // No upper bound exists on updated_since: rows changed during the run may come too, and the
    // next run's overlap reads them again. Order is not by updated_at, so only the end moves the cursor.
    yield { records: (result.body[key] as unknown[]) ?? [], state: last ? windowDone(win.to) : null, last, ...(o.mode === 'full' ? { full: true } : {}), info: { url: result.url, status: result.status } }
  }
}

export const harvest: ConnectorType = {
  type: 'harvest',
  kinds: ['psa'],
  entities: ['project', 'resource', 'assignment', 'time_entry', 'expense', 'invoice', 'account'],
  defaultSources: {
    account: { endpoint: 'clients' },
    project: { endpoint: 'projects' },
    resource: { endpoint: 'users' },
    assignment: { endpoint: 'user_assignments' },
    time_entry: { endpoint: 'time_entries' },
    expense: { endpoint: 'expenses' },
    invoice: { endpoint: 'invoices' },
  },
  defaultLimits: { requests: 100, per_ms: 15_000, concurrency: 4 },
  auth(config) {
    const a = expectAuth('harvest', config.auth, 'token')
    if (!a.account_id) throw new ConnectorAuthError('A harvest connector needs auth.account_id (sent as Harvest-Account-Id).')
    return bearerToken(a.token, { 'harvest-account-id': a.account_id })
  },
  httpHooks: (config) => ({ headers: { 'user-agent': config.user_agent ?? 'Crosswalk connector (set connector.user_agent to "App (contact)")' } }),
  read: readHarvest,
}
