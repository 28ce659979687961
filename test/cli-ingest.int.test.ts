// `crosswalk ingest FILE`: a file cut into batches sent several at a time must land exactly as
// one request would, with every rejected line reported at its line in the file.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { ingestFile } from '../ingest/collectors/ingest-file.ts'
import { queryRows } from '../server/db/query.ts'
import { configSchema } from '../server/config/schema.ts'
import { DEMO_SOURCES } from '../server/config/load.ts'
import { ADMIN, tempDir } from './helpers/server.ts'
import { useServer } from './helpers/fixture.ts'

const dir = tempDir('cw-cli-ingest-')

const extra = [{ system: 'harvest', kind: 'psa' }, { system: 'certinia', kind: 'psa' }]
const server = useServer({ config: configSchema.parse({ sources: [...DEMO_SOURCES, ...extra] }) })

const entry = (i: number, over: Record<string, unknown> = {}) =>
  JSON.stringify({
    key: `TE-${i}`, resource_key: 'E1', project_key: 'P1', work_date: '2026-03-02', hours: 7.5, billable: true,
    status: 'approved', bill_rate: '180.10', currency: 'USD', approved_at: '2026-03-03T09:00:00Z', ...over,
  })

async function keys(system: string): Promise<string[]> {
  const rows = await queryRows<{ key: string }>(
    server.db, 'test', `SELECT key FROM cur_time_entry(kind = 'psa', as_of = now64(3)) WHERE system = {system:String} ORDER BY key`, { system },
  )
  return rows.map((r) => r.key)
}

/** 23 lines: blank lines 5 and 12, CRLF endings, bad lines 3, 9 and 17, no final newline. */
function messyFile(): { text: string; good: string[] } {
  const lines: string[] = []
  const good: string[] = []
  for (let n = 1; n <= 23; n++) {
    if (n === 5 || n === 12) lines.push(n === 5 ? '' : '   ')
    else if (n === 3) lines.push('{"key": "TE-3", "hours": ')
    else if (n === 9) lines.push(entry(n, { hours: 30 }))
    else if (n === 17) lines.push(entry(n, { work_date: '2026-02-30' }))
    else {
      lines.push(entry(n) + (n % 2 ? '\r' : ''))
      good.push(`TE-${n}`)
    }
  }
  return { text: lines.join('\n'), good: good.sort() }
}

describe('crosswalk ingest', () => {
  it('cuts an NDJSON file into concurrent batches and reports each bad line at its line in the file', async () => {
    const { text, good } = messyFile()
    const file = path.join(dir, 'messy.ndjson')
    fs.writeFileSync(file, text)
    const sum = await ingestFile({ file, server: server.url, token: ADMIN, system: 'kantata', entity: 'time_entry', mode: 'delta', batchRows: 4, concurrency: 3 })
    expect(sum.batches).toBe(6)
    expect([sum.accepted, sum.rejected, sum.duplicates]).toEqual([18, 3, 0])
    expect(sum.errors.map((e) => [e.line, e.field])).toEqual([[3, ''], [9, 'hours'], [17, 'work_date']])
    expect(await keys('kantata')).toEqual(good)

    // The same file again: every batch is a duplicate and nothing changes.
    const again = await ingestFile({ file, server: server.url, token: ADMIN, system: 'kantata', entity: 'time_entry', mode: 'delta', batchRows: 4, concurrency: 3 })
    expect([again.duplicates, again.batches, again.accepted]).toEqual([6, 6, 18])
  })

  it('sends a gzip JSON array whose elements span lines, and a full snapshot deletes what it no longer holds', async () => {
    const first = `[\n${[1, 2, 3, 4, 5].map((i) => entry(i).replace(',', ',\n  ')).join(',\n')}\n]`
    const file = path.join(dir, 'snap.json.gz')
    fs.writeFileSync(file, gzipSync(first))
    const sum = await ingestFile({ file, server: server.url, token: ADMIN, system: 'harvest', entity: 'time_entry', mode: 'full', batchRows: 2 })
    expect([sum.accepted, sum.rejected, sum.batches]).toEqual([5, 0, 3])
    expect(await keys('harvest')).toEqual(['TE-1', 'TE-2', 'TE-3', 'TE-4', 'TE-5'])

    const second = path.join(dir, 'snap2.json')
    fs.writeFileSync(second, `[${entry(2)}, ${entry(4, { hours: 'many' })}, ${entry(6)}]`)
    const sum2 = await ingestFile({ file: second, server: server.url, token: ADMIN, system: 'harvest', entity: 'time_entry', mode: 'full', batchRows: 2 })
    expect([sum2.accepted, sum2.rejected]).toEqual([2, 1])
    expect(sum2.errors.map((e) => [e.line, e.field])).toEqual([[2, 'hours']])
    // A rejected line whose key can be read still counts as present (CONTRACT §3): TE-4 stays.
    expect(await keys('harvest')).toEqual(['TE-2', 'TE-4', 'TE-6'])
    expect(sum2.deleted).toBe(3)
  })

  it('prints a summary and the file lines of rejects, and exits 3 when some were rejected', async () => {
    const file = path.join(dir, 'cli.ndjson')
    fs.writeFileSync(file, [entry(101), '', entry(103, { status: 'maybe' }), entry(104)].join('\n') + '\n')
    const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [path.resolve('server/cli/crosswalk.mjs'), 'ingest', file, '--system', 'certinia', '--entity', 'time_entry',
        '--server', server.url, '--token', ADMIN, '--batch-rows', '1'], { stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      child.stdout.on('data', (d) => (stdout += d))
      child.on('exit', (code) => resolve({ code, stdout }))
    })
    expect(out.code).toBe(3)
    expect(out.stdout).toMatch(/3 records in 4 batches, 2 accepted, 1 rejected, 0 duplicate batches/)
    expect(out.stdout).toMatch(/^ {2}line 3: status: expected one of /m)
  })
})
