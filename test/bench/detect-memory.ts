// `npm run bench -- detect-memory`: peak RSS of detection runs that open, re-find and then
// auto-resolve BENCH_EXCEPTIONS (200,000) exceptions, in this process (the embedded engine's
// memory is this process's). A firm of approved PSA time entries with no ERP copy, each one an
// exception of time_entry_missing_in_erp, written straight into the tables.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDb } from '../../server/db/client.ts'
import { migrate } from '../../server/db/migrate.ts'
import { defaultConfig } from '../../server/config/load.ts'
import { detect } from '../../server/exceptions/detect.ts'
import { fmt } from './harness.ts'

function selfMb(field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync('/proc/self/status', 'utf8'))
  return m ? Number(m[1]) / 1024 : 0
}

/** Peak RSS (MB) while `fn` runs: VmHWM reset first (Linux), and sampled as a fallback. */
async function peakOf<T>(fn: () => Promise<T>): Promise<{ value: T; peakMb: number; secs: number }> {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5')
  } catch {}
  let sampled = selfMb('VmRSS')
  const timer = setInterval(() => (sampled = Math.max(sampled, selfMb('VmRSS'))), 50)
  const t = performance.now()
  try {
    const value = await fn()
    return { value, peakMb: Math.max(sampled, selfMb('VmHWM')), secs: (performance.now() - t) / 1000 }
  } finally {
    clearInterval(timer)
  }
}

export async function benchDetectMemory(exceptions = 200_000) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-detect-mem-'))
  const db = await openDb({ dataDir: dir })
  try {
    await migrate(db)
    const cmd = (query: string) => db.client.command({ query, clickhouse_settings: { max_threads: 2 } })
    const common = `toDateTime64('2026-06-30 10:00:00', 3, 'UTC') AS observed_at, now64(6) AS received_at, toUInt32(number + 1) AS line`
    await cmd(`INSERT INTO batches (batch_uid, system, entity, batch_id, mode, observed_at, received_at, source)
               VALUES ('b-psa', 'kantata', 'time_entry', 'b-psa', 'full', '2026-06-30 10:00:00', now64(6), 'bench'),
                      ('b-erp', 'netsuite', 'project', 'b-erp', 'full', '2026-06-30 10:00:00', now64(6), 'bench')`)
    await cmd(`INSERT INTO entity_project (system, kind, key, name, status, billing_type, budget_amount, practice, region, created_at, observed_at, received_at, line, batch_uid)
               SELECT 'netsuite', 'erp', 'PRJ-' || toString(number), 'Project', 'active', 'time_and_materials', 500000, 'Strategy', 'NA', '2026-01-01 00:00:00', ${common}, 'b-erp' FROM numbers(600)`)
    await cmd(`INSERT INTO entity_time_entry (system, kind, key, resource_key, project_key, work_date, hours, billable, status, bill_rate, approved_at, observed_at, received_at, line, batch_uid)
               SELECT 'kantata', 'psa', 'TE-' || toString(number), 'E' || toString(number % 2000), 'PRJ-' || toString(number % 600),
                      toDate('2026-06-01') + (number % 20), 8, true, 'approved', 200, '2026-06-25 00:00:00', ${common}, 'b-psa'
               FROM numbers(${exceptions})`)
    const config = defaultConfig()
    const asOf = new Date('2026-06-30T12:00:00Z')
    const rssBeforeMb = selfMb('VmRSS')
    const first = await peakOf(() => detect(db, config, asOf, 'bench'))
    const again = await peakOf(() => detect(db, config, asOf, 'bench'))
    // Every entry's batch forgotten: the next run auto-resolves them all.
    await cmd(`TRUNCATE TABLE batches`)
    await cmd(`INSERT INTO batches (batch_uid, system, entity, batch_id, mode, observed_at, received_at, source)
               VALUES ('b-erp', 'netsuite', 'project', 'b-erp', 'full', '2026-06-30 10:00:00', now64(6), 'bench')`)
    const cleared = await peakOf(() => detect(db, config, asOf, 'bench'))
    return { exceptions, rssBeforeMb, first, again, cleared }
  } finally {
    await db.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

export function reportDetectMemory(r: Awaited<ReturnType<typeof benchDetectMemory>>): string {
  const line = (what: string, x: typeof r.first, n: string) => `  ${what}: ${x.secs.toFixed(1)} s, ${n}; peak RSS ${fmt(x.peakMb)} MB`
  return [
    `detection memory: ${fmt(r.exceptions)} exceptions (time_entry_missing_in_erp), engine in this process; RSS before ${fmt(r.rssBeforeMb)} MB`,
    line('first run', r.first, `${fmt(r.first.value.opened)} opened`),
    line('re-run', r.again, `${fmt(r.again.value.still_open)} still open`),
    line('all cleared', r.cleared, `${fmt(r.cleared.value.auto_resolved)} auto-resolved`),
  ].join('\n')
}
