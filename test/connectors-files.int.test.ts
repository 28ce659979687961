// The file path end to end (CONTRACT §8 "CLI", issue 17): firm-small's four systems written as
// each system's own export files, ingested with `crosswalk ingest FILE --format F` into a real
// server, then detected at the firm's as_of: exactly the KPIs and exceptions of expected.json,
// the same as when the connectors pull them (test/connectors-pull.int.test.ts).
//
// The files are what the imitations of the systems answer (their own serialisers), asked for
// the columns the shipped mapping of each entity reads, as the API connector asks for them:
//   salesforce-csv  a Bulk API 2.0 query job's CSV result, its locator pages saved one after
//                   another (each page repeats the header row)
//   netsuite-json   a SuiteQL answer, its pages' `items` in one answer
//   kantata-json    an API answer with `results` and the side-loaded maps (include=…), its
//                   pages in one answer
//   workday-json    the RaaS report (`Report_Entry`)
// References by native id resolve through --lookup files of the same format (NetSuite's
// employees, lookup only, are never sent themselves); files are ingested in reference order, each
// as a full snapshot.
//
// Observed times as in the pull test: Workday observed at 2026-06-29T06:00, everything else at
// 2026-06-30T10:00, so `source_stale` (the only data rule that depends on when a source was
// observed) comes out exactly as in expected.json. Every KPI and every data rule's exceptions are
// compared exactly. Not compared: `transaction_failed`, whose exceptions come from the firm's
// traces (traces.json), spans sent to /v1/traces, not records in any export file.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { run as ingestCli } from '../ingest/cli/ingest.ts'
import { mappingFor } from '../ingest/collectors/ingest-native.ts'
import { entitySource } from '../ingest/connectors/framework/source.ts'
import type { EntitySource } from '../ingest/connectors/framework/types.ts'
import { topColumns, whereParams } from '../ingest/connectors/framework/window.ts'
import type { FileFormat } from '../ingest/connectors/files/read.ts'
import { columnsOf } from '../ingest/connectors/mapping/index.ts'
import { kantata, kantataIncludes } from '../ingest/connectors/types/kantata.ts'
import { buildSuiteQl, netsuite, SUITEQL_PATH } from '../ingest/connectors/types/netsuite.ts'
import { buildSoql, SALESFORCE_API_VERSION, soqlFields } from '../ingest/connectors/types/salesforce.ts'
import { NETSUITE_DEFAULT_CREDENTIALS, signTba } from '../ingest/imitations/index.ts'
import { configSchema } from '../server/config/schema.ts'
import { ManualClock } from '../server/lib/clock.ts'
import type { EntityName } from '../server/model/spec.ts'
import { counts, firmCounts, startImitations, type Imitations } from './connectors-pull.support.ts'
import { useServer } from './helpers/fixture.ts'
import { expected, plan } from './helpers/firm.ts'
import { ADMIN, api } from './helpers/server.ts'
import { expectExpectedExceptions, expectExpectedKpis } from './helpers/expected.ts'


const clock = new ManualClock('2026-06-30T10:00:00Z')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-connectors-files-'))
let im: Imitations | undefined
afterAll(async () => {
  await im?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const KIND = { salesforce: 'crm', netsuite: 'erp', kantata: 'psa', workday: 'hr' } as const
const FORMAT: Record<keyof typeof KIND, FileFormat> = { salesforce: 'salesforce-csv', netsuite: 'netsuite-json', kantata: 'kantata-json', workday: 'workday-json' }
const file = (system: string, entity: string) => path.join(dir, `${system}-${entity}.${system === 'salesforce' ? 'csv' : 'json'}`)

async function ok(r: Response): Promise<Response> {
  if (!r.ok) throw new Error(`${r.url}: ${r.status} ${await r.text()}`)
  return r
}

// ── The export files, as each imitation answers them ──────────────────────────────────────────

async function exportSalesforce(base: string, entity: EntityName): Promise<void> {
  const m = mappingFor('salesforce-csv', entity)
  const tok = (await (await ok(await fetch(`${base}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'sf-client', client_secret: 'sf-secret' }),
  }))).json()) as { access_token: string }
  const headers = { authorization: `Bearer ${tok.access_token}`, 'content-type': 'application/json' }
  const api = `${base}/services/data/v${SALESFORCE_API_VERSION}/jobs/query`
  const query = buildSoql(m.source.object as string, soqlFields(columnsOf(m), ['Id', 'SystemModstamp']), [])
  const job = (await (await ok(await fetch(api, { method: 'POST', headers, body: JSON.stringify({ operation: 'query', query }) }))).json()) as { id: string }
  for (;;) {
    const s = (await (await ok(await fetch(`${api}/${job.id}`, { headers }))).json()) as { state: string }
    if (s.state === 'JobComplete') break
  }
  // Locator pages saved one after another, as a firm saving a large result would.
  let out = ''
  let locator: string | null = null
  do {
    const q = new URLSearchParams({ maxRecords: '25', ...(locator ? { locator } : {}) })
    const r = await ok(await fetch(`${api}/${job.id}/results?${q}`, { headers: { ...headers, accept: 'text/csv' } }))
    out += await r.text()
    const next = r.headers.get('sforce-locator')
    locator = next && next !== 'null' ? next : null
  } while (locator)
  fs.writeFileSync(file('salesforce', entity), out)
}

let nonce = 0
async function exportNetSuite(base: string, entity: EntityName): Promise<void> {
  const m = mappingFor('netsuite-json', entity)
  const src: EntitySource = entitySource(netsuite.defaultSources, entity, m.source as EntitySource)
  const aliases = (src.columns as Record<string, string> | undefined) ?? {}
  const columns = topColumns(columnsOf(m).map((c) => c.replace(/^custom_fields\./, '')), ['id', 'lastmodifieddate']).map((c) => (aliases[c] ? `${aliases[c]} AS ${c}` : c))
  const q = buildSuiteQl({ table: src.table!, columns, conditions: [src.where ? `(${src.where})` : ''], idColumn: 'id' })
  const items: unknown[] = []
  for (let offset = 0; ; ) {
    const url = `${base}${SUITEQL_PATH}?limit=1000&offset=${offset}`
    const auth = signTba('POST', url, NETSUITE_DEFAULT_CREDENTIALS, `n${++nonce}${randomUUID().slice(0, 8)}`, Math.floor(clock.now().getTime() / 1000))
    const r = (await (await ok(await fetch(url, { method: 'POST', headers: { authorization: auth, prefer: 'transient', 'content-type': 'application/json' }, body: JSON.stringify({ q }) }))).json()) as { items: unknown[]; hasMore: boolean }
    items.push(...r.items)
    if (!r.hasMore) break
    offset += r.items.length
  }
  fs.writeFileSync(file('netsuite', entity), JSON.stringify({ links: [], count: items.length, hasMore: false, items, offset: 0, totalResults: items.length }))
}

async function exportKantata(base: string, entity: EntityName): Promise<void> {
  const m = mappingFor('kantata-json', entity)
  const src: EntitySource = entitySource(kantata.defaultSources, entity, m.source as EntitySource)
  const includes = kantataIncludes(columnsOf(m), src.include)
  const params = { ...((src.params as Record<string, string> | undefined) ?? {}), ...whereParams(src.where), ...(includes.length ? { include: includes.join(',') } : {}), per_page: '200' }
  const answer: Record<string, any> = { count: 0, meta: {}, results: [] }
  for (let page = 1; ; page++) {
    const r = (await (await ok(await fetch(`${base}/api/v1/${src.endpoint}.json?${new URLSearchParams({ ...params, page: String(page) })}`, { headers: { authorization: 'Bearer kantata-token' } }))).json()) as Record<string, any>
    for (const [k, v] of Object.entries(r)) {
      if (k === 'results') answer.results.push(...v)
      else if (k === 'count' || k === 'meta') answer[k] = v
      else Object.assign((answer[k] ??= {}), v)
    }
    if (page >= r.meta.page_count) break
  }
  answer.meta = { ...answer.meta, page_count: 1, page_number: 1, page_size: answer.results.length }
  fs.writeFileSync(file('kantata', entity), JSON.stringify(answer))
}

async function exportWorkday(reportUrl: string): Promise<void> {
  const r = await ok(await fetch(reportUrl, { headers: { authorization: `Basic ${Buffer.from('ISU_Crosswalk:wd-password').toString('base64')}` } }))
  fs.writeFileSync(file('workday', 'resource'), await r.text())
}

// ── Ingesting them with the CLI ───────────────────────────────────────────────────────────────

/** Per system, in reference order: entity → the entities its references need a lookup file of. */
const ORDER: Array<{ system: keyof typeof KIND; entity: EntityName; lookups: EntityName[]; lookupOnly?: boolean }> = [
  { system: 'workday', entity: 'resource', lookups: [] },
  { system: 'salesforce', entity: 'account', lookups: [] }, // parent_key: from the file itself
  { system: 'salesforce', entity: 'opportunity', lookups: ['account'] },
  { system: 'netsuite', entity: 'resource', lookups: [], lookupOnly: true }, // employees: lookups only, never sent
  { system: 'netsuite', entity: 'account', lookups: [] },
  { system: 'netsuite', entity: 'project', lookups: ['account'] },
  { system: 'netsuite', entity: 'rate_card', lookups: ['project'] },
  { system: 'netsuite', entity: 'invoice', lookups: ['account', 'project'] },
  { system: 'netsuite', entity: 'time_entry', lookups: ['resource', 'project', 'invoice'] },
  { system: 'netsuite', entity: 'expense', lookups: ['resource', 'project', 'invoice'] },
  { system: 'kantata', entity: 'resource', lookups: [] },
  { system: 'kantata', entity: 'project', lookups: [] },
  { system: 'kantata', entity: 'assignment', lookups: ['project', 'resource'] },
  { system: 'kantata', entity: 'time_entry', lookups: ['project', 'resource'] },
  { system: 'kantata', entity: 'expense', lookups: ['project', 'resource'] },
]
const OBSERVED: Record<string, string> = { workday: '2026-06-29T06:00:00Z', salesforce: '2026-06-30T10:00:00Z', netsuite: '2026-06-30T10:00:00Z', kantata: '2026-06-30T10:00:00Z' }

const outputs: Record<string, string> = {}

async function ingest(base: string, system: keyof typeof KIND, entity: EntityName, lookups: EntityName[]): Promise<string> {
  const argv = [
    file(system, entity), '--system', system, '--entity', entity, '--format', FORMAT[system], '--mode', 'full',
    '--observed-at', OBSERVED[system], '--server', base, '--token', ADMIN,
    ...lookups.flatMap((l) => ['--lookup', `${l}=${file(system, l)}`]),
  ]
  const lines: string[] = []
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')))
  const before = process.exitCode
  try {
    await ingestCli(argv)
  } finally {
    log.mockRestore()
  }
  const code = process.exitCode
  process.exitCode = before
  const out = lines.join('\n')
  if (code) throw new Error(`ingest ${system} ${entity} exited ${code}:\n${out}`)
  return out
}

describe('firm-small ingested from the native export files of its systems', () => {
  const server = useServer(async () => {
    im = await startImitations(clock)
    return { clock, config: configSchema.parse({ sources: Object.entries(KIND).map(([system, kind]) => ({ system, kind })) }) }
  })

  beforeAll(async () => {
    const ims = im!.ims
    await exportWorkday(ims.workday.reportUrl!)
    for (const s of ORDER) {
      if (s.system === 'salesforce') await exportSalesforce(ims.salesforce.url, s.entity)
      else if (s.system === 'netsuite') await exportNetSuite(ims.netsuite.url, s.entity)
      else if (s.system === 'kantata') await exportKantata(ims.kantata.url, s.entity)
    }
    for (const s of ORDER) if (!s.lookupOnly) outputs[`${s.system}/${s.entity}`] = await ingest(server.url, s.system, s.entity, s.lookups)
  }, 300_000)

  it('writes each system’s own format', () => {
    const csv = fs.readFileSync(file('salesforce', 'opportunity'), 'utf8')
    expect(csv.split('\n')[0]).toMatch(/^"Id","SystemModstamp",.*"Owner\.Email"/)
    expect(csv.split('\n').filter((l) => l === csv.split('\n')[0]).length).toBeGreaterThan(1) // several locator pages, each with its header
    expect(Object.keys(JSON.parse(fs.readFileSync(file('netsuite', 'time_entry'), 'utf8')))).toContain('items')
    expect(Object.keys(JSON.parse(fs.readFileSync(file('workday', 'resource'), 'utf8')))).toEqual(['Report_Entry'])
    // Side-loaded maps: the key custom field values and the approval submissions (users and workspaces go by id).
    const kt = JSON.parse(fs.readFileSync(file('kantata', 'time_entry'), 'utf8'))
    expect(Object.keys(kt)).toEqual(expect.arrayContaining(['results', 'time_entries', 'custom_field_values', 'submissions']))
  })

  it('every file is read whole, with every reference resolved and no record rejected', () => {
    for (const s of ORDER) {
      if (s.lookupOnly) continue
      const out = outputs[`${s.system}/${s.entity}`]
      const n = firmCounts([s.system])[`${s.system}/${s.entity}`]
      expect(out, `${s.system}/${s.entity}`).toMatch(new RegExp(`: ${n} records read.*, ${n} accepted, 0 rejected \\(0 by the mapping\\)`))
    }
  })

  it('stores exactly the firm’s records per system and entity', async () => {
    expect(await counts(server.url, plan.as_of)).toEqual(firmCounts())
  })

  it('detects exactly the exceptions of expected.json', async () => {
    const r = await api(server.url, `/api/v1/detect?as_of=${plan.as_of}`, { method: 'POST' })
    expect(r.status).toBe(200)
    // transaction_failed: from traces, not from records: no export file holds them.
    await expectExpectedExceptions(server.url, ['transaction_failed'])
  })

  it('computes every KPI of expected.json', async () => {
    await expectExpectedKpis(server.url)
  })
})
