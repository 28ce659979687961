// The CLI's connector commands against a real server: a native export file whose mapping rejects
// a record lands that record in the dead-letter store with the field named (and the mapping's
// reason and the native record in its raw text), and `crosswalk pull` follows a real run of the
// Salesforce connector against its local imitation.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { configSchema } from '../server/config/schema.ts'
import { queryRows } from '../server/db/query.ts'
import { nativeFirm, readCanonicalFirm, startSalesforceImitation, type Imitation } from '../ingest/imitations/index.ts'
import { ADMIN, api } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'

const FIX = 'test/fixtures/connector-files'
let sf: Imitation | undefined
afterAll(() => sf?.close())

const server = useServer(async () => {
  sf = await startSalesforceImitation({ data: nativeFirm(readCanonicalFirm('test/fixtures/firm-small')).salesforce })
  return {
    config: configSchema.parse({
      sources: [
        { system: 'salesforce', kind: 'crm', connector: { type: 'salesforce', base_url: sf.url, auth: { type: 'client_credentials', client_id: 'sf-client', client_secret: 'sf-secret' } } },
        { system: 'harvest', kind: 'psa' },
      ],
    }),
  }
})

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.resolve('server/cli/crosswalk.mjs'), ...args, '--server', server.url, '--token', ADMIN], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('crosswalk ingest --format against a real server', () => {
  it('sends mapped records and puts what the mapping rejects in the dead letters, field named', async () => {
    const r = await cli(['ingest', path.join(FIX, 'harvest-time_entries.json'), '--format', 'harvest-json', '--system', 'harvest', '--entity', 'time_entry',
      '--lookup', `resource=${path.join(FIX, 'harvest-users.json')}`, '--lookup', `project=${path.join(FIX, 'harvest-projects.json')}`])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(3)
    expect(r.stdout).toMatch(/2 records read \(lookups: 1 resource keys, 1 project keys\), 1 batch, 1 accepted, 1 rejected \(1 by the mapping\)/)
    expect(r.stdout).toMatch(/^ {2}record 2: project_key: no project with native id "99999999" in the lookup file$/m)
    const keys = await queryRows<{ key: string; project_key: string }>(server.db, 'test', `SELECT key, project_key FROM cur_time_entry(kind = 'psa', as_of = now64(3)) WHERE system = 'harvest'`, {})
    expect(keys).toEqual([{ key: 'TE-HV-1', project_key: 'PRJ-ACME-DP' }])
    const dl = await api(server.url, '/api/v1/dead-letters?system=harvest&entity=time_entry')
    expect(dl.status).toBe(200)
    expect(dl.body.items).toHaveLength(1)
    const item = dl.body.items[0]
    expect(item.reason).toMatch(/^project_key: /)
    const raw = JSON.parse(item.raw)
    expect(raw.project_key.mapping_error).toMatch(/no project with native id "99999999"/)
    expect(raw._native).toMatchObject({ id: 636709356, project: { id: 99999999 } })
    expect(raw.key).toBe('TE-HV-2')
  })
})

describe('crosswalk pull against a real server', () => {
  it('follows a Salesforce pull to its end and exits 0', async () => {
    const r = await cli(['pull', 'salesforce', '--full', '--interval', '0.05'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/pull of salesforce ok in [\d.]+ s: \d+ pages?, [1-9][\d,]* records, 0 rejected/)
  })

  it('a source without a connector exits non-zero, saying so', async () => {
    const r = await cli(['pull', 'harvest'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/harvest is not a configured source with a connector/)
  })
})
