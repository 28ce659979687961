// The export fast paths against the plain paths they replace, each run in a fresh process of its
// own (fast-export-child.ts) on the same seeded comparison, its RSS sampled by this one:
// the engine writing CSV lines / XLSX rows (exports/fast-csv-sql.ts, fast-xlsx-sql.ts) vs rows
// read slice by slice and written by the JS writers (csv.ts, xlsx-cells.ts). A forced young GC
// after each slice and a tuned allocator (JE_MALLOC_CONF) were raced here too, and dropped
// (docs/performance.md "Fast paths").
// `npm run bench -- fast-export`, BENCH_ROWS records (200,000).
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { openDb } from '../../server/db/client.ts'
import { migrate } from '../../server/db/migrate.ts'
import { seed } from './detect.ts'
import { ROOT, fmt, rssMb, sampleRss } from './harness.ts'

interface Run {
  label: string
  secs: number
  bytes: number
  sha256: string
  growthMb: number
}

async function run(dataDir: string, label: string, format: 'csv' | 'xlsx', writer: 'sql' | 'js'): Promise<Run> {
  const child = spawn(process.execPath, [path.join(ROOT, 'server/cli/run-ts.mjs'), path.join(ROOT, 'test/bench/fast-export-child.ts'), dataDir, format, writer], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  const exited = new Promise((r) => child.once('exit', r))
  if ((await lines.next()).value !== 'ready') throw new Error(`${label}: the child did not start`)
  const before = rssMb(child.pid!)
  const rss = sampleRss(child.pid!)
  child.stdin!.write('go\n')
  const result = JSON.parse((await lines.next()).value as string) as { secs: number; bytes: number; sha256: string }
  const peak = rss.stop()
  await exited
  return { label, ...result, growthMb: peak - before }
}

export async function benchFastExport(rows = 200_000, rounds = 2) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-fast-export-'))
  const data = path.join(dir, 'data')
  try {
    const db = await openDb({ dataDir: data })
    await migrate(db)
    await seed(db, rows)
    await db.close()
    const runs: Run[] = []
    // Alternating, so a busy spell of the shared machine does not fall on one side only.
    for (let r = 0; r < rounds; r++) {
      runs.push(await run(data, 'CSV, JS writer (plain)', 'csv', 'js'))
      runs.push(await run(data, 'CSV, engine writes lines (fast)', 'csv', 'sql'))
      runs.push(await run(data, 'XLSX, JS writer (plain)', 'xlsx', 'js'))
      runs.push(await run(data, 'XLSX, engine writes rows (fast)', 'xlsx', 'sql'))
    }
    return { rows, runs }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

export function reportFastExport(r: Awaited<ReturnType<typeof benchFastExport>>): string {
  return [
    `export fast paths, ${fmt(r.rows)} reconciliation records, each run in a fresh process (RSS growth: peak minus before):`,
    ...r.runs.map((x) => `  ${x.label.padEnd(42)} ${x.secs.toFixed(1).padStart(5)} s (${fmt(r.rows / x.secs)} rows/s), +${x.growthMb.toFixed(0)} MB, ${(x.bytes / 1024 ** 2).toFixed(0)} MB sha256 ${x.sha256}`),
  ].join('\n')
}
