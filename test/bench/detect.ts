// Detection time on the bench firm (firm.ts) of BENCH_ROWS PSA time entries (and their ERP copies), every
// rule. `seed` (a flat synthetic firm) stays for the export bench.
import fs from 'node:fs'
import { openDb } from '../../server/db/client.ts'
import { migrate } from '../../server/db/migrate.ts'
import { defaultConfig } from '../../server/config/load.ts'
import { detect } from '../../server/exceptions/detect.ts'
import { seedFirmDir } from './firm.ts'
import { openDerived } from '../../server/derived/index.ts'
import { fmt } from './harness.ts'

/** A synthetic firm written straight into the tables (the ingest path is measured elsewhere). */
export async function seed(db: Awaited<ReturnType<typeof openDb>>, entries: number) {
  const cmd = (query: string) => db.client.command({ query, clickhouse_settings: { max_threads: 2 } })
  await cmd(`INSERT INTO batches (batch_uid, system, entity, batch_id, mode, observed_at, received_at, source)
             SELECT s.1, s.2, s.3, s.1, 'full', '2026-06-30 10:00:00', now64(6), 'bench'
             FROM (SELECT arrayJoin([('b-hr', 'workday', 'resource'), ('b-psa', 'kantata', 'time_entry'), ('b-erp', 'netsuite', 'time_entry'),
                                     ('b-crm', 'salesforce', 'opportunity')]) AS s)`)
  const common = `toDateTime64('2026-06-30 10:00:00', 3, 'UTC') AS observed_at, now64(6) AS received_at, toUInt32(number + 1) AS line`
  await cmd(`INSERT INTO entity_resource (system, kind, key, name, practice, region, employment_type, status, weekly_capacity_hours, cost_rate, observed_at, received_at, line, batch_uid)
             SELECT 'workday', 'hr', 'E' || toString(number), 'Person ' || toString(number), ['Strategy', 'Technology', 'Data & AI'][number % 3 + 1], 'NA', 'employee', 'active', 40, 100, ${common}, 'b-hr' FROM numbers(2000)`)
  await cmd(`INSERT INTO entity_resource (system, kind, key, name, practice, region, employment_type, status, weekly_capacity_hours, cost_rate, observed_at, received_at, line, batch_uid)
             SELECT 'kantata', 'psa', 'E' || toString(number), 'Person ' || toString(number), 'Strategy', 'NA', 'employee', 'active', 40, 100 + (number % 50 = 0), ${common}, 'b-psa' FROM numbers(2000)`)
  for (const [system, kind, uid] of [['netsuite', 'erp', 'b-erp'], ['kantata', 'psa', 'b-psa']]) {
    await cmd(`INSERT INTO entity_project (system, kind, key, name, status, billing_type, budget_amount, practice, region, created_at, observed_at, received_at, line, batch_uid)
               SELECT '${system}', '${kind}', 'PRJ-' || toString(number), 'Project', if(number % 40 = 0, 'closed', 'active'), 'time_and_materials', 500000, 'Strategy', 'NA', '2026-01-01 00:00:00', ${common}, '${uid}' FROM numbers(600)`)
    await cmd(`INSERT INTO entity_assignment (system, kind, key, project_key, resource_key, role, start_date, status, planned_hours, bill_rate, observed_at, received_at, line, batch_uid)
               SELECT '${system}', '${kind}', 'ASN-' || toString(number), 'PRJ-' || toString(number % 600), 'E' || toString(number % 2000), 'Consultant', '2026-01-01', 'active', 400, 200, ${common}, '${uid}' FROM numbers(5000)`)
  }
  await cmd(`INSERT INTO entity_time_entry (system, kind, key, resource_key, project_key, work_date, hours, billable, status, bill_rate, approved_at, observed_at, received_at, line, batch_uid)
             SELECT 'kantata', 'psa', 'TE-' || toString(number), 'E' || toString(number % 2000), 'PRJ-' || toString(number % 600),
                    toDate('2026-01-01') + (number % 180), 8, true, 'approved', 200, '2026-06-01 00:00:00', ${common}, 'b-psa'
             FROM numbers(${entries})`)
  await cmd(`INSERT INTO entity_time_entry (system, kind, key, resource_key, project_key, work_date, hours, billable, status, bill_rate, approved_at, invoice_key, observed_at, received_at, line, batch_uid)
             SELECT 'netsuite', 'erp', 'TE-' || toString(number), 'E' || toString(number % 2000), 'PRJ-' || toString(number % 600),
                    toDate('2026-01-01') + (number % 180), if(number % 997 = 0, 7.5, 8), true, 'approved', 200, '2026-06-01 00:00:00',
                    if(number % 3 = 0, NULL, 'INV-' || toString(number % 5000)), ${common}, 'b-erp'
             FROM numbers(${entries}) WHERE number % 1009 != 0`)
}

/** This process's resident set (VmRSS) or its peak since the last reset (VmHWM), in MB. */
function selfMb(field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync('/proc/self/status', 'utf8'))
  return m ? Number(m[1]) / 1024 : 0
}

/**
 * Detection at the firm's as_of on the cached firm of firm.ts (seeded on first use), first run and
 * re-run, in this process: the engine's peak RSS is this process's.
 */
export async function benchDetect(entries = 1_000_000) {
  const { dir, meta } = await seedFirmDir(entries)
  const db = await openDb({ dataDir: dir })
  try {
    await migrate(db)
    // As the server does: detection reads the derived tables once they hold every batch.
    const derived = await openDerived(db, (line) => console.error(`[detect] ${line}`))
    const t0 = performance.now()
    await derived.idle()
    await derived.sync()
    const derivedSecs = (performance.now() - t0) / 1000
    // A first run finds everything new: exceptions left in the cached dir by earlier runs go.
    for (const t of ['detection_runs', 'exception_detections', 'exception_seen', 'exception_events'])
      await db.client.command({ query: `TRUNCATE TABLE IF EXISTS ${t}` })
    // Peak RSS from here on (Linux: writing 5 to clear_refs resets VmHWM).
    try {
      fs.writeFileSync('/proc/self/clear_refs', '5')
    } catch {}
    const rssBeforeMb = selfMb('VmRSS')
    let sampled = rssBeforeMb
    const timer = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss / 2 ** 20)), 100)
    const config = defaultConfig()
    const asOf = new Date(meta.asOf)
    const t = performance.now()
    const run = await detect(db, config, asOf, 'bench')
    const secs = (performance.now() - t) / 1000
    const t2 = performance.now()
    const again = await detect(db, config, asOf, 'bench')
    const secs2 = (performance.now() - t2) / 1000
    clearInterval(timer)
    const rssPeakMb = Math.max(sampled, selfMb('VmHWM'))
    await derived.close()
    return { entries, dir, asOf: meta.asOf, derivedSecs, secs, secs2, detected: run.detected, stillOpen: again.still_open, rules: run.rules, planted: meta.planted, rssBeforeMb, rssPeakMb }
  } finally {
    await db.close()
  }
}

export function reportDetect(r: Awaited<ReturnType<typeof benchDetect>>): string {
  const slowest = Object.entries(r.rules)
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 4)
    .map(([n, x]) => `${n} ${(x.ms / 1000).toFixed(1)} s`)
    .join(', ')
  const off = Object.entries(r.planted).filter(([rule, n]) => r.rules[rule]?.count !== n).map(([rule, n]) => `${rule} ${r.rules[rule]?.count ?? '-'} (planted ${n})`)
  return [
    `detection: the bench firm of ${fmt(r.entries)} PSA time entries (+ ERP copies, history), all rules, as of ${r.asOf}`,
    `  derived tables brought up to date first: ${r.derivedSecs.toFixed(1)} s`,
    `  first run ${r.secs.toFixed(1)} s (${fmt(r.detected)} exceptions opened), re-run ${r.secs2.toFixed(1)} s; slowest: ${slowest}`,
    `  engine process RSS ${fmt(r.rssBeforeMb)} MB before, peak ${fmt(r.rssPeakMb)} MB; ${off.length ? `differs from the plants: ${off.join(', ')}` : 'every rule found what was planted'}`,
  ].join('\n')
}
