// The connectors' three parts wired as the runner wires them, without a server: a vendor's
// imitation, openSource + the type's reader, the shipped mapping, and references resolved by
// native id. Shared by the round-trip test and the type-specific read tests.
import { openSource, type ConnectorConfig, type CursorState, type EntitySource, type Page } from '../ingest/connectors/framework/index.ts'
import { connectorType } from '../ingest/connectors/types/index.ts'
import { columnsOf, loadMapping, mapRecord, resolveRefs, shippedMappings, type CanonicalRecord, type MappingType } from '../ingest/connectors/mapping/index.ts'
import { NETSUITE_DEFAULT_CREDENTIALS, readCanonicalFirm, startImitation, type Imitation, type ImitationType } from '../ingest/imitations/index.ts'
import { ManualClock } from '../server/lib/clock.ts'
import type { EntityName } from '../server/model/spec.ts'

export const FIRM = readCanonicalFirm('test/fixtures/firm-small')
export const START = '2026-07-01T00:00:00Z'

export interface Harness {
  type: MappingType
  im: Imitation & { reportUrl?: string }
  clock: ManualClock
  config: ConnectorConfig
}

export function configFor(type: MappingType, im: Imitation & { reportUrl?: string }): ConnectorConfig {
  const base_url = im.url
  switch (type) {
    case 'salesforce':
      return { type, base_url, auth: { type: 'client_credentials', client_id: 'sf-client', client_secret: 'sf-secret' } }
    case 'netsuite': {
      const c = NETSUITE_DEFAULT_CREDENTIALS
      return { type, base_url, auth: { type: 'tba', account_id: c.accountId, consumer_key: c.consumerKey, consumer_secret: c.consumerSecret, token_id: c.tokenId, token_secret: c.tokenSecret } }
    }
    case 'dynamics':
      return { type, base_url, auth: { type: 'client_credentials', client_id: 'dv-client', client_secret: 'dv-secret', token_url: `${im.url}/imitation-tenant/oauth2/v2.0/token` } }
    case 'workday':
      return { type, base_url, report_url: im.reportUrl, auth: { type: 'basic', username: 'ISU_Crosswalk', password: 'wd-password' } }
    case 'kantata':
      return { type, base_url, auth: { type: 'token', token: 'kantata-token' } }
    case 'harvest':
      return { type, base_url, user_agent: 'Crosswalk tests (ops@firm.example)', auth: { type: 'token', token: 'harvest-token', account_id: '1000001' } }
  }
}

export async function start(type: MappingType, data: unknown, extra: Record<string, unknown> = {}): Promise<Harness> {
  const clock = new ManualClock(START)
  const im = (await startImitation(type as ImitationType, { data, clock, ...extra } as never)) as Imitation & { reportUrl?: string }
  return { type, im, clock, config: configFor(type, im) }
}

export async function read(h: Harness, entity: string, mode: 'full' | 'incremental', state: CursorState | null = null, source?: EntitySource): Promise<Page[]> {
  const t = connectorType(h.type)
  const http = openSource(t, h.config, { clock: h.clock })
  const m = loadMapping(h.type, entity as EntityName)
  const pages: Page[] = []
  for await (const p of t.read(entity, { mode, state, columns: columnsOf(m), source: source ?? m.source, runStartedAt: h.clock.now(), http })) pages.push(p)
  return pages
}

export interface Mapped { entity: string; nativeId: string; record: CanonicalRecord; refs: Parameters<typeof resolveRefs>[1] }

export function mapAll(type: MappingType, entity: string, records: unknown[]): { mapped: Mapped[]; rejected: string[] } {
  const m = loadMapping(type, entity as EntityName)
  const mapped: Mapped[] = []
  const rejected: string[] = []
  for (const native of records) {
    const r = mapRecord(m, native)
    if (r.ok) mapped.push({ entity, nativeId: r.nativeId, record: r.record, refs: r.refs })
    else rejected.push(`${type} ${entity}: ${r.message}`)
  }
  return { mapped, rejected }
}

/** The runner's rule: a ref's target is the key of the record of that entity with that native id. */
export function resolveAll(all: Mapped[]): { records: Map<string, CanonicalRecord[]>; unresolved: string[] } {
  const keyOf = new Map(all.map((x) => [`${x.entity}\u0000${x.nativeId}`, String(x.record.key ?? '')]))
  const records = new Map<string, CanonicalRecord[]>()
  const unresolved: string[] = []
  for (const x of all) {
    const r = resolveRefs(x.record, x.refs, (e, id) => keyOf.get(`${e}\u0000${id}`))
    if (!r.ok) unresolved.push(`${x.entity} ${String(x.record.key)}: ${r.message}`)
    else records.set(x.entity, [...(records.get(x.entity) ?? []), r.record])
  }
  return { records, unresolved }
}

/** Full read of every entity the type ships a mapping for, mapped and resolved. */
export async function readFirm(h: Harness) {
  const entities = shippedMappings().filter((m) => m.type === h.type).map((m) => m.entity)
  const all: Mapped[] = []
  const rejected: string[] = []
  const states: Record<string, CursorState | null> = {}
  for (const e of entities) {
    const pages = await read(h, e, 'full')
    states[e] = pages.at(-1)?.state ?? null
    const r = mapAll(h.type, e, pages.flatMap((p) => p.records))
    all.push(...r.mapped)
    rejected.push(...r.rejected)
  }
  return { ...resolveAll(all), rejected, states, all }
}
