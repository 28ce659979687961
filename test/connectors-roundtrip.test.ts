// The three parts of the connectors, run together per type: the canonical firm
// (test/fixtures/firm-small) → nativeFirm → the vendor's imitation → openSource + type.read →
// the shipped mapping → references resolved as the runner does (native id → key of the record
// of that entity read from the same source) → compared field by field with the firm's records.
// Nothing may differ but the exceptions listed below, each with its reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSource, type ConnectorConfig, type CursorState, type EntitySource, type Page } from '../ingest/connectors/framework/index.ts'
import { connectorType } from '../ingest/connectors/types/index.ts'
import { columnsOf, loadMapping, mapRecord, resolveRefs, shippedMappings, type CanonicalRecord, type MappingType } from '../ingest/connectors/mapping/index.ts'
import {
  NETSUITE_DEFAULT_CREDENTIALS, nativeFirm, readCanonicalFirm, startImitation, type Imitation, type ImitationType, type NativeFirm,
} from '../ingest/imitations/index.ts'
import { hoursToMinutes, nsDateTime, sfDateTime, withOffset, zSeconds } from '../ingest/imitations/formats.ts'
import { divideDecimal } from '../ingest/connectors/mapping/transforms.ts'
import { ManualClock } from '../server/lib/clock.ts'
import type { EntityName } from '../server/model/spec.ts'

const FIRM = readCanonicalFirm('test/fixtures/firm-small')
const START = '2026-07-01T00:00:00Z'

/** Which fixture system's records each (type, entity) reads back (as nativeFirm feeds them). */
const FROM: Record<MappingType, Record<string, 'crm' | 'erp' | 'psa' | 'hr'>> = {
  salesforce: { account: 'crm', opportunity: 'crm' },
  netsuite: { account: 'erp', project: 'erp', rate_card: 'erp', time_entry: 'erp', expense: 'erp', invoice: 'erp', resource: 'hr' },
  dynamics: { project: 'erp', rate_card: 'erp', time_entry: 'erp', expense: 'erp', invoice: 'erp', resource: 'psa', assignment: 'psa' },
  workday: { resource: 'hr' },
  kantata: { project: 'psa', resource: 'psa', assignment: 'psa', time_entry: 'psa', expense: 'psa' },
  harvest: { project: 'psa', resource: 'psa', assignment: 'psa', time_entry: 'psa', expense: 'psa', invoice: 'erp' },
}

/**
 * Canonical fields a vendor has no place for (and no custom field is set up for by default):
 * the read-back record lacks them. Each says why.
 */
const NO_PLACE: Partial<Record<MappingType, Record<string, Record<string, string>>>> = {
  harvest: {
    project: {
      account_key: 'Harvest has no custom fields; a project\'s client is a name, not the account key',
      opportunity_key: 'no custom fields', practice: 'no custom fields', region: 'no custom fields', manager_email: 'no custom fields',
    },
    resource: { practice: 'no custom fields', region: 'no custom fields', hire_date: 'no field', termination_date: 'no field', currency: 'no field on a user' },
    assignment: { key: 'no free field on a user assignment: matched by project, person and start date', role: 'no field', end_date: 'user assignments have no dates', currency: 'no field' },
    time_entry: { approved_at: 'no approval time' },
    invoice: { account_key: 'the client is a name, not the account key' },
  },
}

/** How records are matched when the vendor cannot hold the key (default: by key). */
const MATCH: Partial<Record<MappingType, Record<string, (r: Record<string, unknown>) => string>>> = {
  harvest: { assignment: (r) => `${String(r.project_key)}|${String(r.resource_key)}|${String(r.start_date)}` },
}

/** Values that cannot survive the vendor's native representation: exactly these differ, by rule. */
const LOSSY: Partial<Record<MappingType, Record<string, (want: Record<string, unknown>) => Record<string, unknown>>>> = {
  dynamics: {
    // msdyn_duration is whole minutes: 8.005 h is held as 480 min (rounded half up).
    time_entry: (w) => {
      const m = hoursToMinutes(String(w.hours))
      return m.exact ? {} : { hours: divideDecimal(m.toString(), '60', false) }
    },
  },
  harvest: {
    project: (w) => ({
      // only is_active: planned and on-hold projects are active
      ...(w.status === 'planned' || w.status === 'on_hold' ? { status: 'active' } : {}),
      // only is_fixed_fee: a non-billable project reads as time and materials
      ...(w.billing_type === 'non_billable' ? { billing_type: 'time_and_materials' } : {}),
      // a fee exists for fixed-fee projects only
      ...(w.billing_type !== 'fixed_fee' && w.budget_amount != null ? { budget_amount: undefined } : {}),
      // the currency is the client's: a project without an account has none
      ...(w.account_key == null && w.currency != null ? { currency: undefined } : {}),
    }),
  },
}

// ---- comparison ----------------------------------------------------------------------------

const DEC = /^-?\d+(\.\d+)?$/
function norm(v: unknown): unknown {
  if (v === undefined || v === null) return undefined
  if (typeof v === 'number') return norm(String(v))
  if (typeof v === 'string' && DEC.test(v)) return v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return new Date(v).toISOString()
  return v
}

/** Differences of one read-back record from its canonical record, as `field: want → got`. */
function differences(want: Record<string, unknown>, got: CanonicalRecord): string[] {
  const out: string[] = []
  for (const f of new Set([...Object.keys(want), ...Object.keys(got)])) {
    if (f === 'native_id') continue // each vendor assigns its own ids
    let w = norm(want[f])
    const g = norm(got[f])
    if (f === 'deleted' && w === undefined) w = g === false ? false : undefined
    // Every vendor but Workday stamps a modification time; nativeFirm uses the firm's as_of.
    if (f === 'updated_at' && w === undefined && g !== undefined) w = norm(FIRM.asOf)
    if (f === 'weekly_capacity_hours' && w === undefined) w = '40'
    if (JSON.stringify(w) !== JSON.stringify(g)) out.push(`${f}: ${JSON.stringify(w)} → ${JSON.stringify(g)}`)
  }
  return out
}

// ---- reading -------------------------------------------------------------------------------

interface Harness {
  type: MappingType
  im: Imitation & { reportUrl?: string }
  clock: ManualClock
  config: ConnectorConfig
}

function configFor(type: MappingType, im: Imitation & { reportUrl?: string }): ConnectorConfig {
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

async function start(type: MappingType, data: unknown, extra: Record<string, unknown> = {}): Promise<Harness> {
  const clock = new ManualClock(START)
  const im = (await startImitation(type as ImitationType, { data, clock, ...extra } as never)) as Imitation & { reportUrl?: string }
  return { type, im, clock, config: configFor(type, im) }
}

async function read(h: Harness, entity: string, mode: 'full' | 'incremental', state: CursorState | null = null, source?: EntitySource): Promise<Page[]> {
  const t = connectorType(h.type)
  const http = openSource(t, h.config, { clock: h.clock })
  const m = loadMapping(h.type, entity as EntityName)
  const pages: Page[] = []
  for await (const p of t.read(entity, { mode, state, columns: columnsOf(m), source: source ?? m.source, runStartedAt: h.clock.now(), http })) pages.push(p)
  return pages
}

interface Mapped { entity: string; nativeId: string; record: CanonicalRecord; refs: Parameters<typeof resolveRefs>[1] }

function mapAll(type: MappingType, entity: string, records: unknown[]): { mapped: Mapped[]; rejected: string[] } {
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
function resolveAll(all: Mapped[]): { records: Map<string, CanonicalRecord[]>; unresolved: string[] } {
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
async function readFirm(h: Harness) {
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

/** Every difference between what was read and the firm, less the listed exceptions. */
function compareFirm(type: MappingType, records: Map<string, CanonicalRecord[]>): { diffs: string[]; compared: number } {
  const diffs: string[] = []
  let compared = 0
  for (const [entity, kind] of Object.entries(FROM[type])) {
    const mapping = loadMapping(type, entity as EntityName)
    const lookupOnly = mapping.lookup_only === true
    const system = Object.entries(FIRM.sources).find(([, k]) => k === kind)?.[0]
    const id = MATCH[type]?.[entity] ?? ((r: Record<string, unknown>) => String(r.key))
    const want = new Map((FIRM.records[system!]?.[entity] ?? []).map((r) => [id(r), r]))
    const got = records.get(entity) ?? []
    const gotIds = new Set(got.map(id))
    if (!lookupOnly) for (const k of want.keys()) if (!gotIds.has(k)) diffs.push(`${type} ${entity} ${k}: not read back`)
    const skip = NO_PLACE[type]?.[entity] ?? {}
    for (const r of got) {
      const w = want.get(id(r))
      if (!w) {
        diffs.push(`${type} ${entity} ${id(r)}: not in the firm`)
        continue
      }
      compared++
      // A lookup-only entity (never sent) is compared on the fields the vendor holds.
      const held = (f: string) => f === 'key' || (f in r && !(typeof mapping.fields[f] === 'object' && 'const' in (mapping.fields[f] as object)))
      const base: Record<string, unknown> = lookupOnly ? Object.fromEntries(Object.entries(w).filter(([f]) => held(f))) : { ...w }
      for (const f of Object.keys(skip)) {
        if (f in r && f !== 'key') diffs.push(`${type} ${entity} ${id(r)}: ${f} is listed as having no place but was read`)
        delete base[f]
      }
      const got_ = { ...r }
      if ('key' in skip) delete got_.key
      if (lookupOnly) for (const f of Object.keys(got_)) if (!held(f)) delete got_[f]
      Object.assign(base, LOSSY[type]?.[entity]?.(w) ?? {})
      for (const d of differences(base, got_)) diffs.push(`${type} ${entity} ${id(r)} ${d}`)
    }
  }
  return { diffs, compared }
}

function summary(diffs: string[]): string {
  const groups = new Map<string, { n: number; first: string }>()
  for (const d of diffs) {
    const g = d.replace(/^(\S+ \S+) \S+ (\w+)?.*$/, '$1 $2')
    const cur = groups.get(g) ?? { n: 0, first: d }
    cur.n++
    groups.set(g, cur)
  }
  return [...groups].map(([g, { n, first }]) => `\n  ${g} ×${n}  e.g. ${first}`).join('')
}

// ---- the tests -----------------------------------------------------------------------------

let NATIVE: NativeFirm
beforeAll(() => {
  NATIVE = nativeFirm(FIRM)
})

const harnesses: Harness[] = []
afterAll(async () => {
  if (process.env.ROUNDTRIP_DEBUG) console.log('records compared', COMPARED)
  await Promise.all(harnesses.map((h) => h.im.close()))
})

const COMPARED: Partial<Record<MappingType, number>> = {}
const TYPES: MappingType[] = ['salesforce', 'netsuite', 'dynamics', 'workday', 'kantata', 'harvest']

describe.each(TYPES)('%s round trip', (type) => {
  it('a full read gives back the firm field by field; an incremental read gives a change', { timeout: 20_000 }, async () => {
    const h = await start(type, NATIVE[type])
    harnesses.push(h)
    const full = await readFirm(h)
    const { records, unresolved, rejected } = full
    expect(rejected).toEqual([])
    expect(unresolved).toEqual([])
    const { diffs, compared } = compareFirm(type, records)
    expect(compared).toBeGreaterThan(0)
    if (process.env.ROUNDTRIP_DEBUG) console.log(type, compared, summary(diffs))
    expect(diffs).toEqual([])
    COMPARED[type] = compared

    // Then one record changes, and an incremental read from the saved cursor gives it, mapped.
    const c = CHANGE[type]
    h.clock.advance(3_600_000)
    const key = c.apply(NATIVE[type], new Date(h.clock.now().getTime() - 60_000))
    h.clock.advance(60_000)
    const pages = await read(h, c.entity, 'incremental', full.states[c.entity])
    const inc = mapAll(type, c.entity, pages.flatMap((p) => p.records))
    expect(inc.rejected).toEqual([])
    const after = resolveAll([...full.all.filter((x) => x.entity !== c.entity), ...inc.mapped])
    expect(after.unresolved).toEqual([])
    expect((after.records.get(c.entity) ?? []).filter((r) => r.key === key).map((r) => norm(r[c.field]))).toEqual([c.value])
    // Workday reports are always whole; the others read only what changed since the cursor.
    if (type === 'workday') expect(pages.every((p) => p.full)).toBe(true)
    else expect(inc.mapped.length).toBeLessThan(records.get(c.entity)?.length ?? 0)
  })
})

/** One change per type, made in the imitation's data after the full read, with a new modification time. */
const CHANGE: Record<MappingType, { entity: string; field: string; value: string; apply(data: NativeFirm[MappingType], now: Date): string }> = {
  salesforce: { entity: 'opportunity', field: 'name', value: 'Renamed deal', apply: (d, now) => {
    const r = (d as NativeFirm['salesforce']).Opportunity[0]
    Object.assign(r, { Name: 'Renamed deal', SystemModstamp: sfDateTime(now.toISOString()) })
    return String(r.Crosswalk_Key__c)
  } },
  netsuite: { entity: 'time_entry', field: 'hours', value: '7.25', apply: (d, now) => {
    const r = (d as NativeFirm['netsuite']).timebill[0]
    Object.assign(r, { hours: '7.25', lastmodifieddate: nsDateTime(now.toISOString()) })
    return String(r.externalid)
  } },
  dynamics: { entity: 'time_entry', field: 'hours', value: '7.25', apply: (d, now) => {
    const r = (d as NativeFirm['dynamics']).msdyn_timeentries[0]
    Object.assign(r, { msdyn_duration: 435, modifiedon: zSeconds(now.toISOString()) })
    return String(r.cw_key)
  } },
  workday: { entity: 'resource', field: 'name', value: 'Renamed Person', apply: (d) => {
    const r = (d as NativeFirm['workday']).Report_Entry[0]
    r.Full_Name = 'Renamed Person'
    return r.Employee_ID
  } },
  kantata: { entity: 'time_entry', field: 'hours', value: '7.25', apply: (d, now) => {
    const r = (d as NativeFirm['kantata']).time_entries[0]
    Object.assign(r, { time_in_minutes: 435, updated_at: withOffset(now.toISOString(), -480) })
    const cf = (d as NativeFirm['kantata']).custom_field_values.find((c) => c.subject_type === 'TimeEntry' && c.subject_id === r.id && c.custom_field_name === 'crosswalk_key')
    return String(cf?.value)
  } },
  harvest: { entity: 'time_entry', field: 'hours', value: '7.25', apply: (d, now) => {
    const r = (d as NativeFirm['harvest']).time_entries[0]
    Object.assign(r, { hours: 7.25, updated_at: zSeconds(now.toISOString()) })
    return String((r.external_reference as { id: string }).id)
  } },
}

describe('type-specific reads against the imitations', () => {
  it('Workday: a report with no rows omits Report_Entry and reads as 0 records', async () => {
    const h = await start('workday', { Report_Entry: [] })
    harnesses.push(h)
    const pages = await read(h, 'resource', 'full')
    expect(pages.flatMap((p) => p.records)).toEqual([])
    expect(pages.at(-1)).toMatchObject({ last: true, full: true })
  })

  it('NetSuite: past a small offset cap, keyset paging reads every row once', { timeout: 20_000 }, async () => {
    const h = await start('netsuite', NATIVE.netsuite, { offsetCap: 1000 })
    harnesses.push(h)
    h.config = { ...h.config, page_size: 400, row_cap: 1000 }
    const rows = (await read(h, 'time_entry', 'full')).flatMap((p) => p.records as Array<{ id: string }>)
    const ids = rows.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.length).toBe(NATIVE.netsuite.timebill.length)
    expect(ids.length).toBeGreaterThan(1000)
  })

  it('Salesforce: a Bulk API 2.0 full listing maps to the same records as REST', { timeout: 20_000 }, async () => {
    const h = await start('salesforce', NATIVE.salesforce)
    harnesses.push(h)
    const via = async (bulk: boolean) => {
      const all: Mapped[] = []
      for (const e of ['account', 'opportunity']) {
        const m = loadMapping('salesforce', e as EntityName)
        const pages = await read(h, e, 'full', null, { ...m.source, ...(bulk ? { bulk: true } : {}) })
        const r = mapAll('salesforce', e, pages.flatMap((p) => p.records))
        expect(r.rejected).toEqual([])
        all.push(...r.mapped)
      }
      const { records, unresolved } = resolveAll(all)
      expect(unresolved).toEqual([])
      return Object.fromEntries([...records].map(([e, rs]) => [e, [...rs].sort((a, b) => String(a.key).localeCompare(String(b.key)))]))
    }
    const rest = await via(false)
    const bulk = await via(true)
    expect(h.im.stats.byPath[`/services/data/v62.0/jobs/query`]).toBe(2)
    expect(bulk.opportunity.length).toBe(FIRM.records.salesforce.opportunity.length)
    expect(bulk).toEqual(rest)
  })
})
