// The CLI side of connectors (CONTRACT §8 "CLI"): native export files mapped with the shipped
// mappings and sent as canonical NDJSON (rejects included, built to fail on the field), a large
// file streamed with bounded reading, `connectors show`, `pull` following a run, and
// `demo --serve-apis`. Every server here is a tiny fake on 127.0.0.1, port 0.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import YAML from 'yaml'
import { ingestNativeFile, type NativeFileOptions } from '../ingest/collectors/ingest-native.ts'
import { showText, listText } from '../ingest/cli/connectors.ts'
import { CsvRows } from '../ingest/connectors/files/csv-stream.ts'
import { jsonTopLevel } from '../ingest/connectors/files/json-top.ts'
import { configSchema } from '../server/config/schema.ts'
import type { EntityName } from '../server/model/spec.ts'
import { until } from './helpers/wait.ts'

const FIX = 'test/fixtures/connector-files'
const CLI = path.resolve('server/cli/crosswalk.mjs')
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-cli-connectors-'))
const closers: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const c of closers) await c()
  fs.rmSync(tmp, { recursive: true, force: true })
})

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void | Promise<void>

async function fakeServer(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c) => (body += c))
    req.on('end', () => void handler(req, body, res))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  closers.push(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()) }))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

/** An ingest API that keeps every line it is sent and rejects what carries a mapping error (as validation would). */
async function ingestSink(hold?: { until: Promise<void> }) {
  const lines: Array<Record<string, unknown>> = []
  const urls: URL[] = []
  const url = await fakeServer(async (req, body, res) => {
    const u = new URL(req.url!, 'http://x')
    urls.push(u)
    if (hold) await hold.until
    const recs = body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)
    lines.push(...recs)
    const errors: Array<{ line: number; field: string; message: string }> = []
    recs.forEach((r, i) => {
      for (const [f, v] of Object.entries(r)) if (v && typeof v === 'object' && 'mapping_error' in v) errors.push({ line: i + 1, field: f, message: 'expected a string' })
    })
    const rejected = new Set(errors.map((e) => e.line)).size
    json(res, 200, { batch: u.searchParams.get('batch'), accepted: recs.length - rejected, rejected, duplicate: false, errors })
  })
  return { url, lines, urls }
}

async function ingest(format: NativeFileOptions['format'], file: string, entity: string, extra: Partial<NativeFileOptions> = {}) {
  const sink = await ingestSink()
  const sum = await ingestNativeFile({ file: path.join(FIX, file), format, entity: entity as EntityName, server: sink.url, token: 't', system: 'x', mode: 'delta', ...extra })
  const ok = sink.lines.filter((l) => !('_mapping_errors' in l))
  const bad = sink.lines.filter((l) => '_mapping_errors' in l)
  return { sum, ok, bad, sink }
}

describe('native files → canonical records', () => {
  it('salesforce-csv: Bulk CSV with quoted fields and CRLF, references resolved from a lookup file', async () => {
    const { sum, ok, bad } = await ingest('salesforce-csv', 'salesforce-opportunity.csv', 'opportunity', { lookups: { account: path.join(FIX, 'salesforce-account.csv') } })
    expect(sum.read).toBe(3)
    expect(ok).toEqual([
      {
        native_id: '006RO00000A1b2cYAB', key: 'OPP-1001', updated_at: '2025-03-14T17:02:11.000Z', account_key: 'ACC-1', name: 'Acme - FY25 Data Platform SOW',
        stage: 'Closed Won', amount: '250000.0', currency: 'USD', close_date: '2025-03-14', is_won: true, is_closed: true, won_at: '2025-03-14T17:02:11.000Z',
        owner_email: 'kim.allen@example.com', deleted: false,
      },
      expect.objectContaining({ key: 'OPP-1002', name: 'Globex - "Managed Services", renewal', account_key: 'ACC-2', is_won: false, currency: 'EUR' }),
    ])
    // OPP-1003's account is not in the lookup: rejected naming the field, with the native record.
    expect(bad).toHaveLength(1)
    expect(bad[0]).toMatchObject({ key: 'OPP-1003', name: 'Initech - pilot', account_key: { mapping_error: expect.stringContaining('no account with native id "001RO00000Z1Y1aYCC"') } })
    expect((bad[0]._native as Record<string, unknown>).Id).toBe('006RO00000A1b2eYAB')
    expect(sum).toMatchObject({ accepted: 2, rejected: 1, mappingRejected: 1 })
    expect(sum.problems).toEqual([{ record: 3, field: 'account_key', message: expect.stringContaining('account_key') }])
  })

  it("salesforce-csv: a reference to the file's own entity (an account's parent) resolves from the file itself", async () => {
    const { ok, bad, sum } = await ingest('salesforce-csv', 'salesforce-account.csv', 'account')
    expect(bad).toEqual([])
    expect(sum.lookedUp).toEqual({ account: 2 })
    expect(ok).toEqual([
      { native_id: '001RO00000Z1Y0xYAA', key: 'ACC-1', updated_at: '2025-01-10T09:00:00.000Z', deleted: false, name: 'Acme Corp', region: 'North America', status: 'active' },
      { native_id: '001RO00000Z1Y0zYBB', key: 'ACC-2', updated_at: '2025-01-11T09:00:00.000Z', deleted: false, name: 'Globex', parent_key: 'ACC-1', region: 'EMEA', status: 'active' },
    ])
  })

  it('netsuite-json: SuiteQL items with M/D/YYYY dates, T/F flags and lookups of employees and jobs', async () => {
    const { ok, bad, sum } = await ingest('netsuite-json', 'netsuite-timebill.json', 'time_entry', {
      lookups: { resource: path.join(FIX, 'netsuite-employee.json'), project: path.join(FIX, 'netsuite-job.json') },
    })
    expect(bad).toEqual([])
    expect(sum.lookedUp).toEqual({ resource: 2, project: 1 })
    expect(ok).toEqual([
      { native_id: '88121', key: 'TE-9138211', updated_at: '2025-03-04T00:00:00.000Z', resource_key: '21001', project_key: 'PRJ-ACME-DP', work_date: '2025-03-03', hours: '7.5', billable: true, status: 'approved', bill_rate: '185', currency: 'USD' },
      { native_id: '88122', key: 'TE-9138212', updated_at: '2025-03-04T00:00:00.000Z', resource_key: '21017', project_key: 'PRJ-ACME-DP', work_date: '2025-03-03', hours: '6', billable: false, status: 'submitted', bill_rate: '150', currency: 'USD' },
    ])
  })

  it('dynamics-json: OData value; without lookups every reference is rejected naming the field, and an unmapped code too', async () => {
    const { ok, bad, sum } = await ingest('dynamics-json', 'dynamics-timeentries.json', 'time_entry')
    expect(ok).toEqual([])
    expect(bad).toHaveLength(2)
    expect(bad[0]).toMatchObject({ key: 'TE-DV-1', work_date: '2025-03-03', hours: '7.5', status: 'approved', bill_rate: '185', currency: 'USD' })
    expect(bad[0].project_key).toEqual({ mapping_error: expect.stringContaining('--lookup project=FILE') })
    expect(bad[0].resource_key).toEqual({ mapping_error: expect.stringContaining('--lookup resource=FILE') })
    // The second: its status code is unknown, and its references cannot be resolved either — all named at once.
    expect(bad[1]).toMatchObject({ key: 'TE-DV-2', hours: '6', status: { mapping_error: expect.stringContaining('192350099') } })
    expect((bad[1]._mapping_errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(['project_key', 'resource_key', 'status'])
    expect(sum.rejected).toBe(2)
  })

  it('workday-json: RaaS Report_Entry with "0"/"1" flags and a missing column', async () => {
    const { ok, bad } = await ingest('workday-json', 'workday-workers.json', 'resource')
    expect(bad).toEqual([])
    expect(ok).toEqual([
      { native_id: '21001', key: '21001', name: 'Jane Doe', email: 'jane.doe@example.com', practice: 'Data', region: 'East', employment_type: 'employee', status: 'terminated', hire_date: '2019-04-01', termination_date: '2025-02-28', weekly_capacity_hours: '40' },
      { native_id: '21017', key: '21017', name: 'Raj Patel', email: 'raj.patel@example.com', practice: 'Cloud', region: 'West', employment_type: 'employee', status: 'active', hire_date: '2024-09-16', weekly_capacity_hours: '20' },
    ])
  })

  it('kantata-json: each result denormalised with its side-loaded submission and custom fields; users and workspaces looked up', async () => {
    const { ok, bad } = await ingest('kantata-json', 'kantata-time_entries.json', 'time_entry', {
      lookups: { resource: path.join(FIX, 'kantata-users.json'), project: path.join(FIX, 'kantata-workspaces.json') },
    })
    expect(bad).toEqual([])
    expect(ok).toEqual([
      { native_id: '9138211', key: 'TE-KT-9138211', updated_at: '2025-03-04T17:15:22.000Z', resource_key: '21044', project_key: 'PRJ-ACME-DP', work_date: '2025-03-03', hours: '7.5', billable: true, status: 'approved', bill_rate: '185', currency: 'USD', approved_at: '2025-03-04T17:00:00.000Z' },
      { native_id: '9138212', key: 'TE-KT-9138212', updated_at: '2025-03-04T02:20:00.000Z', resource_key: '21044', project_key: 'PRJ-ACME-DP', work_date: '2025-03-03', hours: '1.5', billable: false, status: 'draft', bill_rate: '0', currency: 'USD' },
    ])
  })

  it('harvest-json: the list array; a project missing from the lookup is rejected, the rest kept', async () => {
    const { ok, bad } = await ingest('harvest-json', 'harvest-time_entries.json', 'time_entry', {
      lookups: { resource: path.join(FIX, 'harvest-users.json'), project: path.join(FIX, 'harvest-projects.json') },
    })
    expect(ok).toEqual([
      { native_id: '636709355', key: 'TE-HV-1', updated_at: '2025-03-04T09:15:22.000Z', resource_key: '21044', project_key: 'PRJ-ACME-DP', work_date: '2025-03-03', hours: '7.5', billable: true, status: 'approved', bill_rate: '185', currency: 'USD' },
    ])
    expect(bad).toHaveLength(1)
    expect(bad[0]).toMatchObject({ key: 'TE-HV-2', resource_key: '21044', hours: '1.25', project_key: { mapping_error: expect.stringContaining('99999999') } })
  })

  it('--mapping overrides in the config shape apply', async () => {
    const { ok } = await ingest('workday-json', 'workday-workers.json', 'resource', { overrides: { fields: { region: 'Cost_Center', practice: null } } })
    expect(ok[0]).toMatchObject({ region: 'CC4100 Consulting - East' })
    expect(ok[0]).not.toHaveProperty('practice')
  })

  it('a full snapshot goes out as parts of one snapshot, the last marked', async () => {
    const { sink } = await ingest('workday-json', 'workday-workers.json', 'resource', { mode: 'full', batchRows: 1 })
    const parts = sink.urls.map((u) => [u.searchParams.get('part'), u.searchParams.get('last')])
    expect(parts.sort()).toEqual([['1', null], ['2', 'true']])
    expect(new Set(sink.urls.map((u) => u.searchParams.get('snapshot'))).size).toBe(1)
  })
})

describe('streaming readers', () => {
  it('CSV rows cut anywhere between chunks read the same', () => {
    const text = 'a,b\r\n"x, ""y""",2\n"multi\nline",3\r\n'
    const whole = new CsvRows().push(text)
    for (let cut = 1; cut < text.length; cut++) {
      const r = new CsvRows()
      expect([...r.push(text.slice(0, cut)), ...r.push(text.slice(cut)), ...r.end()]).toEqual(whole)
    }
    expect(whole).toEqual([['a', 'b'], ['x, "y"', '2'], ['multi\nline', '3']])
  })

  it('JSON top-level members stream entry by entry, whatever the chunking', async () => {
    const text = JSON.stringify({ count: 2, results: [{ key: 'a', id: '1' }], a: { '1': { id: '1', s: 'x,}]"' }, '2': 5 }, b: { k: [1, { z: null }] }, tail: 'end' })
    for (const size of [1, 3, 7, 1000]) {
      const chunks = async function* () { for (let i = 0; i < text.length; i += size) yield Buffer.from(text.slice(i, i + size)) }
      const items = []
      for await (const batch of jsonTopLevel(chunks(), (k) => (k === 'a' ? 'entries' : k === 'b' || k === 'tail' ? 'whole' : 'skip'))) items.push(...batch)
      expect(items).toEqual([
        { key: 'a', name: '1', value: { id: '1', s: 'x,}]"' } },
        { key: 'a', name: '2', value: 5 },
        { key: 'b', value: { k: [1, { z: null }] } },
        { key: 'tail', value: 'end' },
      ])
    }
  })

  it('a 50,000-record file is read only as fast as the server takes it, then all of it lands', async () => {
    const file = path.join(tmp, 'big-harvest.json')
    const out = fs.createWriteStream(file)
    out.write('{"time_entries":[\n')
    const N = 50_000
    for (let i = 1; i <= N; i++) {
      const e = { id: i, spent_date: '2025-03-03', user: { id: 7, name: 'Kim Allen' }, project: { id: 9, name: 'P' }, client: { id: 1, name: 'Acme', currency: 'USD' }, external_reference: { id: `TE-${i}` }, approval_status: 'approved', hours: 7.5, billable: true, billable_rate: 185.0, notes: 'x'.repeat(100), updated_at: '2025-03-04T09:15:22Z' }
      if (!out.write(JSON.stringify(e) + (i < N ? ',\n' : '\n'))) await new Promise<void>((r) => out.once('drain', () => r()))
    }
    out.end('],"links":{"next":null}}\n')
    await new Promise<void>((r) => out.on('close', () => r()))
    const users = path.join(tmp, 'users.json')
    fs.writeFileSync(users, JSON.stringify({ users: [{ id: 7, employee_id: 'E7' }] }))
    const projects = path.join(tmp, 'projects.json')
    fs.writeFileSync(projects, JSON.stringify({ projects: [{ id: 9, code: 'P9' }] }))

    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const sink = await ingestSink({ until: gate })
    let readSoFar = 0
    const done = ingestNativeFile({
      file, format: 'harvest-json', entity: 'time_entry', lookups: { resource: users, project: projects }, server: sink.url, token: 't', system: 'harvest',
      mode: 'delta', batchRows: 1000, concurrency: 2, onRead: (n) => (readSoFar = n),
    })
    // The server answers nothing yet: reading stops once `concurrency` batches wait, plus the one held back.
    await until(() => sink.urls.length === 2)
    let before = -1
    while (before !== readSoFar) {
      before = readSoFar
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(readSoFar).toBeGreaterThan(0)
    expect(readSoFar).toBeLessThan(N / 5)
    release()
    const sum = await done
    expect(sum.read).toBe(N)
    expect(sum.accepted).toBe(N)
    expect(sink.lines).toHaveLength(N)
    expect(sink.lines[N - 1]).toMatchObject({ key: `TE-${N}`, resource_key: 'E7', project_key: 'P9' })
  })
})

describe('crosswalk connectors', () => {
  it('show prints the mapping rows of a type', () => {
    const text = showText('kantata', 'time_entry')
    expect(text).toMatch(/^kantata time_entry/)
    expect(text).toMatch(/^hours\s+time_in_minutes\s+hours_from_minutes$/m)
    expect(text).toMatch(/^bill_rate\s+rate_in_cents\s+money_minor ÷ currency_base_unit$/m)
    expect(text).toMatch(/^resource_key\s+user_id\s+native id of resource → its key$/m)
    expect(showText('salesforce')).toMatch(/salesforce account[\s\S]*salesforce opportunity/)
  })

  it('list names each type with the entities it feeds', () => {
    expect(listText()).toMatch(/^workday\s+hr\s+workday-json\s+resource$/m)
    expect(listText()).toMatch(/^netsuite\s+erp\s+netsuite-json\s+.*resource \(lookup only\)/m)
  })

  it('the command prints the same (no server needed)', async () => {
    const r = await cli(['connectors', 'show', 'harvest', 'time_entry'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^project_key\s+project\.id\s+native id of project → its key$/m)
  })
})

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CROSSWALK_TOKEN: 'tok', ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('crosswalk pull', () => {
  async function fakePulls(final: { status: 'ok' | 'failed'; error: string | null }) {
    let polls = 0
    const seen: string[] = []
    const url = await fakeServer((req, _body, res) => {
      seen.push(`${req.method} ${req.url}`)
      if (req.headers.authorization !== 'Bearer tok') return json(res, 401, { error: { code: 'unauthorized', message: 'bad token' } })
      if (req.method === 'POST' && req.url === '/api/v1/sources/netsuite/pull?mode=full') return json(res, 202, { run_id: 'r-1' })
      if (req.method === 'GET' && req.url === '/api/v1/sources/netsuite/runs/r-1') {
        polls++
        const running = polls < 3
        return json(res, 200, {
          run_id: 'r-1', mode: 'full', trigger: 'api', status: running ? 'running' : final.status, started_at: '2026-01-01T00:00:00Z',
          ended_at: running ? null : '2026-01-01T00:00:04Z', pages: polls, records: polls * 100, rejected: polls - 1, cursor: {}, error: running ? null : final.error,
        })
      }
      json(res, 404, { error: { code: 'not_found', message: `netsuite is not a configured source with a connector.` } })
    })
    return { url, seen }
  }

  it('shows progress and exits 0 when the run ends ok', async () => {
    const s = await fakePulls({ status: 'ok', error: null })
    const r = await cli(['pull', 'netsuite', '--full', '--server', s.url, '--interval', '0.01'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/pull of netsuite started \(run r-1, full\)/)
    expect(r.stdout).toMatch(/^ {2}1 page, 100 records, 0 rejected$/m)
    expect(r.stdout).toMatch(/^ {2}2 pages, 200 records, 1 rejected$/m)
    expect(r.stdout).toMatch(/pull of netsuite ok in 4\.0 s: 3 pages, 300 records, 2 rejected/)
  })

  it('exits non-zero with the run\'s error in words when it fails', async () => {
    const s = await fakePulls({ status: 'failed', error: 'NetSuite refused the credentials (401 INVALID_LOGIN).' })
    const r = await cli(['pull', 'netsuite', '--full', '--server', s.url, '--interval', '0.01'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/crosswalk: pull of netsuite failed: NetSuite refused the credentials \(401 INVALID_LOGIN\)\./)
  })

  it('a source without a connector is said so', async () => {
    const s = await fakePulls({ status: 'ok', error: null })
    const r = await cli(['pull', 'nope', '--server', s.url])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/not a configured source with a connector/)
  })
})

describe('crosswalk demo --serve-apis', () => {
  it('serves the demo firm through the imitations and prints a config that validates', async () => {
    const child = spawn(process.execPath, [CLI, 'demo', '--serve-apis', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
    closers.push(async () => void child.kill('SIGTERM'))
    let stdout = ''
    child.stdout.on('data', (d) => (stdout += d))
    await until(() => stdout.includes('Serving until interrupted') || child.exitCode !== null)
    expect(child.exitCode).toBeNull()
    const sf = /^ {2}salesforce\s+(http:\/\/127\.0\.0\.1:\d+)/m.exec(stdout)![1]
    const token = await fetch(`${sf}/services/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=sf-client&client_secret=sf-secret' })
    expect(token.status).toBe(200)
    expect(await token.json()).toMatchObject({ access_token: expect.any(String) })
    const snippet = stdout.slice(stdout.indexOf('sources:'), stdout.indexOf('\n\nThen:'))
    const config = configSchema.parse(YAML.parse(snippet))
    expect(config.sources.map((s) => s.connector?.type)).toEqual(['salesforce', 'netsuite', 'dynamics', 'workday', 'kantata', 'harvest'])
    expect(config.sources[0].connector?.base_url).toBe(sf)
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
  })
})
