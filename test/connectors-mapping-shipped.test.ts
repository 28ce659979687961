// Every shipped mapping (ingest/connectors/mappings) against the canonical model: each canonical
// field mapped or said why not, and a native record of each (REFERENCE.md's example bodies, or
// one built from the documented field list) mapping to a valid canonical record. Also fails when
// a doc in docs/connectors is stale.
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadMapping, mapRecord, resolveRefs, shippedMappings, type CanonicalRecord, type MappingType } from '../ingest/connectors/mapping/index.ts'
import { DOCS_DIR, docTypes, updateDoc } from '../ingest/connectors/mapping/doc.ts'
import { connectorSchema } from '../server/connectors/config.ts'
import { COMMON, ENTITY_SPECS, type EntityName } from '../server/model/spec.ts'
import { entitySchemas, entityFields } from '../server/model/entities.ts'

interface Example { from: string; native: Record<string, unknown>; keys: Record<string, string> }
const fixture = (type: string): Record<string, Example> =>
  JSON.parse(fs.readFileSync(new URL(`./fixtures/connectors-mapping/${type}.json`, import.meta.url), 'utf8'))

function mapExample(type: MappingType, entity: EntityName, ex: Example): CanonicalRecord {
  const r = mapRecord(loadMapping(type, entity), ex.native)
  if (!r.ok) throw new Error(r.message)
  const done = resolveRefs(r.record, r.refs, (e, id) => ex.keys[`${e}:${id}`])
  if (!done.ok) throw new Error(done.message)
  return done.record
}

/** The canonical schema wants every field present; absent optional ones are null. */
function validate(entity: EntityName, record: CanonicalRecord) {
  const full = Object.fromEntries(entityFields(entity).map((f) => [f, record[f] ?? null]))
  return entitySchemas[entity].safeParse(full)
}

const EXPECTED: Record<string, [MappingType, EntityName]> = {
  salesforce: ['salesforce', 'opportunity'], netsuite: ['netsuite', 'time_entry'], dynamics: ['dynamics', 'time_entry'],
  workday: ['workday', 'resource'], kantata: ['kantata', 'time_entry'], harvest: ['harvest', 'time_entry'],
}

describe('shipped mappings', () => {
  it('cover exactly the entities CONTRACT §8 lists per type', () => {
    const got = Object.fromEntries(docTypes().map((t) => [t, shippedMappings().filter((m) => m.type === t).map((m) => m.entity).sort()]))
    expect(got).toEqual({
      dynamics: ['assignment', 'expense', 'invoice', 'project', 'rate_card', 'resource', 'time_entry'],
      harvest: ['assignment', 'expense', 'invoice', 'project', 'resource', 'time_entry'],
      kantata: ['assignment', 'expense', 'project', 'resource', 'time_entry'],
      netsuite: ['account', 'expense', 'invoice', 'project', 'rate_card', 'resource', 'time_entry'],
      salesforce: ['account', 'opportunity'],
      workday: ['resource'],
    })
    expect(loadMapping('netsuite', 'resource').lookup_only).toBe(true)
  })

  it.each(shippedMappings().map((m) => [m.type, m.entity] as const))('%s %s maps every canonical field or says why not', (type, entity) => {
    const m = loadMapping(type, entity)
    const required = ENTITY_SPECS[entity].filter((f) => !f.optional && f.default === undefined).map((f) => f.name)
    for (const f of ['key', ...required]) expect(m.fields[f], `${type}/${entity}.${f}`).toBeDefined()
    for (const f of [...COMMON, ...ENTITY_SPECS[entity]].map((s) => s.name).filter((n) => !['native_id', 'deleted', 'updated_at'].includes(n)))
      expect(Boolean(m.fields[f]) !== Boolean(m.unmapped?.[f]), `${type}/${entity}.${f}: mapped xor unmapped`).toBe(true)
    if (m.modified) expect(m.fields.updated_at).toBeDefined()
  })

  it.each(shippedMappings().map((m) => [m.type, m.entity] as const))('%s %s maps its example to a valid canonical record', (type, entity) => {
    const ex = fixture(type)[entity]
    expect(ex, `test/fixtures/connectors-mapping/${type}.json has ${entity}`).toBeDefined()
    const record = mapExample(type, entity, ex)
    const v = validate(entity, record)
    expect(v.success, JSON.stringify(v.error?.issues)).toBe(true)
  })

  it('REFERENCE.md example bodies become exactly these canonical records', () => {
    const got = Object.fromEntries(Object.entries(EXPECTED).map(([t, [type, entity]]) => [t, mapExample(type, entity, fixture(type)[entity])]))
    expect(got).toEqual({
      salesforce: {
        native_id: '006RO00000A1b2cYAB', key: '006RO00000A1b2cYAB', account_key: '001RO00000Z1Y0xYAA', name: 'Acme - FY25 Data Platform SOW',
        stage: 'Closed Won', amount: '250000', currency: 'USD', close_date: '2025-03-14', is_won: true, is_closed: true,
        updated_at: '2025-03-14T17:02:11.000Z', deleted: false,
      },
      netsuite: {
        native_id: '88121', key: '9138211', resource_key: '21001', project_key: 'PRJ-1042', work_date: '2025-03-03', hours: '7.5',
        billable: true, status: 'approved', bill_rate: '185', updated_at: '2025-03-04T00:00:00.000Z',
      },
      dynamics: {
        native_id: '2f6c1a9e-4b7d-ef11-a671-000d3a5c1b2a', key: '2f6c1a9e-4b7d-ef11-a671-000d3a5c1b2a', resource_key: '21001', project_key: 'PRJ-1042',
        work_date: '2025-03-03', hours: '7.5', billable: true, status: 'approved', updated_at: '2025-03-04T09:15:22.000Z',
      },
      workday: {
        native_id: '21001', key: '21001', name: 'Jane Doe', email: 'jane.doe@example.com', employment_type: 'employee', status: 'terminated',
        hire_date: '2019-04-01', termination_date: '2025-02-28', weekly_capacity_hours: '40',
      },
      kantata: {
        native_id: '9138211', key: '9138211', resource_key: '21001', project_key: 'PRJ-1042', work_date: '2025-03-03', hours: '7.5',
        billable: true, status: 'approved', bill_rate: '185', currency: 'USD', updated_at: '2025-03-04T17:15:22.000Z',
      },
      harvest: {
        native_id: '636709356', key: '636709356', resource_key: '1782959', project_key: 'PRJ-1042', work_date: '2025-03-03', hours: '1.25',
        billable: true, status: 'approved', bill_rate: '185', invoice_key: '1001', updated_at: '2025-03-20T11:02:40.000Z',
      },
    })
  })
})

describe('docs/connectors', () => {
  it.each(docTypes())('%s.md has the tables the mappings give (regenerate: node server/cli/run-ts.mjs ingest/connectors/mapping/doc.ts)', (type) => {
    const text = fs.readFileSync(`${DOCS_DIR}${type}.md`, 'utf8')
    expect(updateDoc(text, type)).toBe(text)
  })

  it.each(docTypes())('%s.md worked example is what the mapping gives', (type) => {
    const text = fs.readFileSync(`${DOCS_DIR}${type}.md`, 'utf8')
    const worked = text.slice(text.indexOf('## Worked example'))
    const blocks = [...worked.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]))
    expect(blocks.length).toBe(2)
    const [type_, entity] = EXPECTED[type]
    const keys = Object.fromEntries([...worked.matchAll(/^- `(\w+) (\S+)` → `(\S+)`$/gm)].map((m) => [`${m[1]}:${m[2]}`, m[3]]))
    expect(mapExample(type_, entity, { from: '', native: blocks[0], keys })).toEqual(blocks[1])
  })
})

describe('docs/connectors/options.md', () => {
  it('documents every option of the connector block and of its limits', () => {
    const text = fs.readFileSync(`${DOCS_DIR}options.md`, 'utf8')
    const limits = (connectorSchema.shape.limits.unwrap() as unknown as { shape: Record<string, unknown> }).shape
    const missing = [...Object.keys(connectorSchema.shape), ...Object.keys(limits)].filter((k) => !text.includes(`\`${k}\``))
    expect(missing).toEqual([])
  })
})
