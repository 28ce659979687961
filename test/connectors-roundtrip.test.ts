// The three parts of the connectors, run together per type: the canonical firm
// (test/fixtures/firm-small) → nativeFirm → the vendor's imitation → openSource + type.read →
// the shipped mapping → references resolved as the runner does (native id → key of the record
// of that entity read from the same source) → compared field by field with the firm's records.
// Nothing may differ but the exceptions listed below, each with its reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadMapping, type CanonicalRecord, type MappingType } from '../ingest/connectors/mapping/index.ts'
import type { EntityName } from '../server/model/spec.ts'
import { nativeFirm, type NativeFirm } from '../ingest/imitations/index.ts'
import { hoursToMinutes, nsDateTime, sfDateTime, withOffset, zSeconds } from '../ingest/imitations/formats.ts'
import { divideDecimal } from '../ingest/connectors/mapping/transforms.ts'
import { FIRM, mapAll, read, readFirm, resolveAll, start, type Harness } from './connectors-roundtrip.support.ts'

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
