// Shared by test/connectors-pull*.int.test.ts: firm-small served by the imitations of its four
// systems, a config whose `connector` blocks point at them (secrets as ${ENV} references), and
// a wait for a run that polls the API (never a fixed sleep).
import { expect } from 'vitest'
import { nativeFirm, NETSUITE_DEFAULT_CREDENTIALS, readCanonicalFirm, startImitation, type Fault, type Imitation, type NativeFirm } from '../ingest/imitations/index.ts'
import { parseConfig } from '../server/config/load.ts'
import type { Config } from '../server/config/schema.ts'
import type { Clock } from '../server/lib/clock.ts'
import { api } from './helpers/server.ts'
import { FIRM_DIR } from './helpers/firm.ts'

export const FIRM = readCanonicalFirm(FIRM_DIR)

/** The secrets the configs refer to, by environment variable (set in process.env by `secretsEnv`). */
export const SECRETS: Record<string, string> = {
  CWT_SF_SECRET: 'sf-secret',
  CWT_NS_CS: NETSUITE_DEFAULT_CREDENTIALS.consumerSecret,
  CWT_NS_TS: NETSUITE_DEFAULT_CREDENTIALS.tokenSecret,
  CWT_KANTATA_TOKEN: 'kantata-token',
  CWT_WD_PASSWORD: 'wd-password',
}

export function secretsEnv(): void {
  Object.assign(process.env, SECRETS)
}

export type Vendor = 'salesforce' | 'netsuite' | 'kantata' | 'workday'
export const VENDORS: Vendor[] = ['workday', 'salesforce', 'netsuite', 'kantata']
const KIND: Record<Vendor, string> = { salesforce: 'crm', netsuite: 'erp', kantata: 'psa', workday: 'hr' }

export interface Imitations {
  native: NativeFirm
  ims: Record<Vendor, Imitation & { reportUrl?: string }>
  close(): Promise<void>
}

export interface ImitationsOptions {
  /** Per vendor, a live list: a fault pushed later fires counting from then. */
  faults?: Partial<Record<Vendor, Fault[]>>
  /** The modification time stamped on every record (default: a day and more before the pulls). */
  modifiedAt?: string
  /** Extra options per imitation (e.g. Salesforce pageSize). */
  options?: Partial<Record<Vendor, Record<string, unknown>>>
  /** Which to start (default all four). */
  vendors?: Vendor[]
}

/** The imitations of firm-small's systems, serving its records. */
export async function startImitations(clock: Clock, o: ImitationsOptions = {}): Promise<Imitations> {
  const native = nativeFirm(FIRM, { modifiedAt: o.modifiedAt ?? '2026-06-28T00:00:00Z' })
  const ims = {} as Imitations['ims']
  for (const v of o.vendors ?? VENDORS) {
    ims[v] = (await startImitation(v, { data: native[v], clock, faults: o.faults?.[v] ?? [], ...o.options?.[v] } as never)) as Imitation & { reportUrl?: string }
  }
  return { native, ims, close: async () => void (await Promise.all(Object.values(ims).map((i) => i.close()))) }
}

/** The raw connector block of each source (before parseConfig resolves its ${ENV} secrets). */
export function connectorBlocks(ims: Partial<Imitations['ims']>): Record<Vendor, Record<string, unknown>> {
  const ns = NETSUITE_DEFAULT_CREDENTIALS
  return {
    salesforce: { type: 'salesforce', base_url: ims.salesforce?.url, auth: { type: 'client_credentials', client_id: 'sf-client', client_secret: '${CWT_SF_SECRET}' } },
    netsuite: {
      type: 'netsuite', base_url: ims.netsuite?.url,
      auth: { type: 'tba', account_id: ns.accountId, consumer_key: ns.consumerKey, consumer_secret: '${CWT_NS_CS}', token_id: ns.tokenId, token_secret: '${CWT_NS_TS}' },
    },
    kantata: { type: 'kantata', base_url: ims.kantata?.url, auth: { type: 'token', token: '${CWT_KANTATA_TOKEN}' } },
    workday: { type: 'workday', report_url: ims.workday?.reportUrl, auth: { type: 'basic', username: 'ISU_Crosswalk', password: '${CWT_WD_PASSWORD}' } },
  }
}

/** A raw config: the four sources, each with its connector block (changed by `edit`). */
export function rawConfig(ims: Imitations['ims'], edit: (blocks: Record<Vendor, Record<string, unknown>>) => void = () => {}): Record<string, unknown> {
  const blocks = connectorBlocks(ims)
  edit(blocks)
  return { sources: VENDORS.map((v) => ({ system: v, kind: KIND[v], connector: blocks[v] })) }
}

export function pullConfig(ims: Imitations['ims'], edit?: (blocks: Record<Vendor, Record<string, unknown>>) => void): Config {
  secretsEnv()
  return parseConfig(rawConfig(ims, edit), 'test config')
}

/** Starts a pull through the API: its run id. */
export async function startPull(base: string, system: string, mode: 'full' | 'incremental'): Promise<string> {
  const r = await api(base, `/api/v1/sources/${system}/pull?mode=${mode}`, { method: 'POST' })
  expect(r.status, JSON.stringify(r.body)).toBe(202)
  expect(typeof r.body.run_id).toBe('string')
  return r.body.run_id
}

/** Polls the run until it is no longer running: its final answer. */
export async function waitRun(base: string, system: string, runId: string): Promise<any> {
  for (;;) {
    const r = await api(base, `/api/v1/sources/${system}/runs/${runId}`)
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    if (r.body.status !== 'running') return r.body
    await new Promise((res) => setTimeout(res, 20))
  }
}

export async function pull(base: string, system: string, mode: 'full' | 'incremental' = 'full'): Promise<any> {
  return waitRun(base, system, await startPull(base, system, mode))
}

/** Records per system/entity as the Sources page counts them. */
export async function counts(base: string, asOf?: string): Promise<Record<string, number>> {
  const r = await api(base, `/api/v1/sources${asOf ? `?as_of=${encodeURIComponent(asOf)}` : ''}`)
  expect(r.status).toBe(200)
  const out: Record<string, number> = {}
  for (const s of r.body.items) for (const [e, c] of Object.entries<{ records: number }>(s.entities)) out[`${s.system}/${e}`] = c.records
  return out
}

/** What the firm holds per system/entity (what a complete pull must give). */
export function firmCounts(systems: string[] = VENDORS): Record<string, number> {
  const out: Record<string, number> = {}
  for (const s of systems) for (const [e, rs] of Object.entries(FIRM.records[s] ?? {})) out[`${s}/${e}`] = rs.length
  return out
}

/** Every dead letter (all pages). */
export async function deadLetters(base: string, query = ''): Promise<any[]> {
  const items: any[] = []
  let cursor: string | null = null
  do {
    const r: any = await api(base, `/api/v1/dead-letters?limit=200${query}${cursor ? `&cursor=${cursor}` : ''}`)
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    items.push(...r.body.items)
    cursor = r.body.next_cursor
  } while (cursor)
  return items
}

type Db = { client: { query(q: { query: string; query_params?: Record<string, unknown>; format: 'JSONEachRow' }): Promise<{ json<T>(): Promise<T[]> }> } }

/** The current records of one system's entity (as of far ahead: the tests' clocks are manual). */
export async function stored(db: Db, entity: string, kind: string, system: string): Promise<Map<string, Record<string, any>>> {
  const rs = await db.client.query({
    query: `SELECT * FROM cur_${entity}(kind = {kind:String}, as_of = toDateTime64('2100-01-01 00:00:00', 3, 'UTC')) WHERE system = {system:String}`,
    query_params: { kind, system },
    format: 'JSONEachRow',
  })
  return new Map((await rs.json<Record<string, any>>()).map((r) => [String(r.key), r]))
}

/** Stored versions (rows of committed batches) of one system's entity: a page sent twice would double them. */
export async function versions(db: Db, entity: string, system: string): Promise<number> {
  const rs = await db.client.query({
    query: `SELECT count() AS n FROM entity_${entity} WHERE system = {system:String} AND batch_uid IN (SELECT batch_uid FROM batches)`,
    query_params: { system },
    format: 'JSONEachRow',
  })
  return Number((await rs.json<{ n: string }>())[0].n)
}

/**
 * Kantata alone, one page per batch (each page commits, and its cursor moves, before the next is
 * asked for), and no time-out on the wall clock: a hung request waits for the test's kill.
 */
export function kantataOnlyConfig(ims: Imitations['ims']): { sources: Array<Record<string, any>> } {
  const raw = rawConfig(ims) as { sources: Array<Record<string, any>> }
  const kantata = raw.sources.find((s) => s.system === 'kantata')!
  kantata.connector.limits = { timeout_ms: 600_000 }
  kantata.connector.batch_records = 200
  return { sources: [kantata] }
}
