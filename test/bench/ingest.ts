// Ingest throughput: 1,000,000 PSA time entries through the HTTP API (validation on) versus
// the engine's own INSERT … SELECT FROM file() of the same NDJSON file.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDb } from '../../server/db/client.ts'
import { migrate } from '../../server/db/migrate.ts'
import { ingestFile } from '../../ingest/collectors/ingest-file.ts'
import { TOKEN, fmt, sampleRss, spawnServer } from './harness.ts'
import { seedFirmDir } from './firm.ts'

export function writeTimeEntries(file: string, n: number): void {
  const fd = fs.openSync(file, 'w')
  const day0 = Date.UTC(2026, 0, 1)
  let buf: string[] = []
  for (let i = 0; i < n; i++) {
    const d = new Date(day0 + (i % 180) * 86400_000).toISOString().slice(0, 10)
    buf.push(
      `{"key":"TE-${String(i).padStart(8, '0')}","native_id":"KT${i}","resource_key":"E${String(i % 500).padStart(5, '0')}","project_key":"PRJ-${String(i % 300).padStart(5, '0')}","work_date":"${d}","hours":${(i % 16) / 2 + 0.5},"billable":${i % 7 !== 0},"status":"approved","bill_rate":${150 + (i % 40) * 5}.25,"currency":"USD","approved_at":"${d}T18:00:00.000Z"}`,
    )
    if (buf.length === 10_000) {
      fs.writeSync(fd, buf.join('\n') + '\n')
      buf = []
    }
  }
  if (buf.length) fs.writeSync(fd, buf.join('\n') + '\n')
  fs.closeSync(fd)
}

/**
 * `base` > 0 (BENCH_BASE): the server starts on a copy of the bench firm of that many entries
 * (firm.ts), its derived tables up to date, and after the bulk load a delta of 10,000 changed
 * entries is timed from its answer to the first read that shows it.
 */
export async function benchIngest(rows = 1_000_000, base = 0) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-ingest-'))
  const file = path.join(dir, 'time_entries.ndjson')
  writeTimeEntries(file, rows)
  const mb = fs.statSync(file).size / 1024 ** 2
  const serverDir = path.join(dir, 'server')
  if (base) {
    const firm = await seedFirmDir(base)
    fs.cpSync(firm.dir, serverDir, { recursive: true })
  }

  // The API: a server in a child process, the CLI collector streaming the file to it.
  const server = await spawnServer(serverDir)
  if (base) await derivedReady(server.url)
  const rss = sampleRss(server.proc.pid!)
  let t = performance.now()
  const summary = await ingestFile({ file, server: server.url, token: TOKEN, system: 'kantata', entity: 'time_entry', mode: 'delta', batchRows: 100_000 })
  const apiSecs = (performance.now() - t) / 1000
  const peak = rss.stop()
  // Then the derived tables catch up (in the background, after the load): timed apart, and the
  // delta is sent once they have, as a steady-state change would be.
  t = performance.now()
  if (base) await derivedReady(server.url)
  const catchUpSecs = (performance.now() - t) / 1000
  const delta = base ? await deltaVisible(server.url, file) : null
  await server.stop()
  // The engine alone, in this process, on its own data dir: measured after the API, so that its
  // background merges (the engine stays loaded in this process) cannot slow the API run.
  const db = await openDb({ dataDir: path.join(dir, 'engine') })
  await migrate(db)
  t = performance.now()
  await db.client.command({
    query: `INSERT INTO entity_time_entry (key, native_id, resource_key, project_key, work_date, hours, billable, status, bill_rate, currency, approved_at, system, kind, deleted, extra, observed_at, received_at, line, batch_uid)
            SELECT *, 'kantata' AS system, 'psa' AS kind, false AS deleted, '' AS extra, now64(3) AS observed_at,
                   now64(6) AS received_at, 0 AS line, 'x' AS batch_uid
            FROM file({file:String}, JSONEachRow,
              'key String, native_id Nullable(String), resource_key String, project_key String, work_date Date, hours Decimal(38, 8), billable Bool, status String, bill_rate Nullable(Decimal(38, 8)), currency Nullable(String), approved_at Nullable(DateTime64(3, \\'UTC\\'))')`,
    query_params: { file },
  })
  const engineRate = rows / ((performance.now() - t) / 1000)
  await db.close()

  fs.rmSync(dir, { recursive: true, force: true })
  if (summary.accepted !== rows) throw new Error(`API accepted ${summary.accepted} of ${rows}`)
  const apiRate = rows / apiSecs
  return { rows, base, mb, engineRate, apiRate, ratio: apiRate / engineRate, peakRssMb: peak, catchUpSecs, delta }
}

async function derivedReady(base: string): Promise<void> {
  for (;;) {
    const h = (await (await fetch(`${base}/api/v1/health`)).json()) as { fast_path: { state: string; pending_batches: number } }
    if (h.fast_path.state === 'ready' && h.fast_path.pending_batches === 0) return
    await new Promise((r) => setTimeout(r, 1000))
  }
}

/** A delta of 10,000 entries of the file with other hours; ms from its answer to a read showing it. */
async function deltaVisible(base: string, file: string) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)
  const step = Math.floor(lines.length / 10_000)
  const changed = Array.from({ length: 10_000 }, (_, i) => ({ ...JSON.parse(lines[i * step]), hours: 0.25 }))
  const auth = { authorization: `Bearer ${TOKEN}` }
  const summaryUrl = `${base}/api/v1/reconciliation?pair=psa-erp&entity=time_entry&from=2026-01-01&to=2026-12-31`
  const before = (await (await fetch(summaryUrl, { headers: auth })).json()) as { items: Array<{ amount_a: number }> }
  const sent = performance.now()
  const r = await fetch(`${base}/api/v1/ingest/kantata/time_entry?batch=bench-delta`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/x-ndjson' },
    body: changed.map((x) => JSON.stringify(x)).join('\n') + '\n',
  })
  if (!r.ok) throw new Error(`delta: HTTP ${r.status} ${await r.text()}`)
  const answered = performance.now()
  const after = (await (await fetch(summaryUrl, { headers: auth })).json()) as { items: Array<{ amount_a: number }> }
  const ms = performance.now() - answered
  return { ms, answerMs: answered - sent, shown: after.items[0].amount_a !== before.items[0].amount_a }
}

export function reportIngest(r: Awaited<ReturnType<typeof benchIngest>>): string {
  return [
    `ingest: ${fmt(r.rows)} time entries (${r.mb.toFixed(0)} MB NDJSON)${r.base ? ` into the bench firm of ${fmt(r.base)} entries` : ''}`,
    `  engine INSERT … SELECT FROM file(): ${fmt(r.engineRate)} rows/s`,
    `  HTTP API with validation:           ${fmt(r.apiRate)} rows/s  (${(r.ratio * 100).toFixed(0)}% of the engine; server peak RSS ${r.peakRssMb.toFixed(0)} MB)`,
    ...(r.base ? [`  derived tables caught up with the load ${r.catchUpSecs.toFixed(1)} s after its last answer`] : []),
    ...(r.delta ? [`  a delta of 10,000 changed entries: answered in ${fmt(r.delta.answerMs)} ms, ${r.delta.shown ? 'shown' : 'NOT shown'} by the first read after its answer, ${fmt(r.delta.ms)} ms later`] : []),
  ].join('\n')
}
