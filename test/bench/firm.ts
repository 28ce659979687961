// A realistic consulting firm for benchmarks, written straight into an empty migrated engine with
// INSERT … SELECT FROM numbers(): ~N/2000 people, their projects, deals, staffing and rate cards,
// N PSA time entries over the year before as_of with their ERP copies and invoices, expenses,
// integration traces, all as committed batches with history (weekly PSA and ERP batches, monthly
// master-data snapshots, billing runs, a final ERP delta), and every rule of sql/rules planted on
// a known number of keys. `seedFirmDir` keeps one seeded data dir per size under the temp dir.
//
//   node server/cli/run-ts.mjs test/bench/firm.ts seed-dir DIR ENTRIES [SEED] [AS_OF]
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { openDb, type Db } from '../../server/db/client.ts'
import { migrate } from '../../server/db/migrate.ts'
import { Batches } from './firm-batches.ts'
import { rowPlants, writeBilling, writeErpDelta } from './firm-billing.ts'
import { dropStaging, loadStaging, writeSnapshots } from './firm-master.ts'
import { DAY, makePlan, todayMidnight, ymd } from './firm-plan.ts'
import { writeErpSync, writePsa } from './firm-time.ts'
import { writeTraces } from './firm-traces.ts'
import { ROOT } from './harness.ts'

/** Bump when the generated firm changes: cached data dirs of another version are not reused. */
export const FIRM_VERSION = 1
export const DEFAULT_SEED = 7

export interface FirmMeta {
  version: number
  asOf: string
  entries: number
  seed: number
  /** Records per entity and system (keys, not versions), rows per table (all versions), batches. */
  counts: Record<string, number>
  /** Exceptions each rule should report as of asOf. */
  planted: Record<string, number>
  /** Instants inside the history (about 9, 6 and 3 months before asOf) for time-travel reads. */
  pastAsOf: string[]
  seedSecs: number
}

export interface FirmOptions { entries: number; seed?: number; asOf?: Date; log?: (line: string) => void }

export async function seedFirm(db: Db, opts: FirmOptions): Promise<FirmMeta> {
  const t0 = performance.now()
  const seed = opts.seed ?? DEFAULT_SEED
  const asOf = opts.asOf ?? todayMidnight()
  const log = opts.log ?? (() => {})
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now()
    const out = await fn()
    log(`  ${name}: ${((performance.now() - t) / 1000).toFixed(1)} s`)
    return out
  }
  const [{ n }] = await (await db.client.query({ query: 'SELECT count() AS n FROM batches', format: 'JSONEachRow' })).json<{ n: string }>()
  if (Number(n) > 0) throw new Error('seedFirm writes into an empty database; this one already has batches')
  const plan = makePlan(opts.entries, seed, asOf)
  const batches = new Batches(`${FIRM_VERSION}/${seed}/${opts.entries}/${asOf.toISOString()}`)
  await step('plan and master data', async () => {
    await loadStaging(db, plan)
    await writeSnapshots(db, plan, batches)
  })
  await step('PSA time entries and expenses', () => writePsa(db, plan, batches))
  await step('ERP sync', () => writeErpSync(db, plan, batches))
  await step('billing', () => writeBilling(db, plan, batches))
  await step('ERP delta', () => writeErpDelta(db, plan, batches))
  const failed = await step('traces', () => writeTraces(db, plan))
  const rows = await step('plant counts', () => rowPlants(db, plan))
  await dropStaging(db)
  const live = await step('commit', () => batches.commit(db))
  const counts = await recordCounts(db, plan)
  for (const [entity, v] of Object.entries(live)) counts[`rows_${entity}`] = v
  counts.batches = batches.list.length
  return {
    version: FIRM_VERSION,
    asOf: asOf.toISOString(),
    entries: opts.entries,
    seed,
    counts,
    planted: { ...plan.planted, ...rows, transaction_failed: failed },
    // Mondays at noon: after the Sunday-night PSA batch and the Monday-morning ERP sync of that week.
    pastAsOf: [273, 182, 91].map((d) => {
      const day = Math.floor(asOf.getTime() / DAY) - d
      return new Date((day - ((day + 3) % 7)) * DAY + 12 * 3_600_000).toISOString()
    }),
    seedSecs: (performance.now() - t0) / 1000,
  }
}

/** Records (keys) per entity and kind as of as_of, read cheaply (no distinct over millions of keys). */
async function recordCounts(db: Db, plan: ReturnType<typeof makePlan>): Promise<Record<string, number>> {
  const rs = await db.client.query({
    query: `SELECT
        (SELECT countIf(kind = 'erp' AND invoice_key IS NULL AND updated_at IS NULL AND NOT deleted AND NOT endsWith(key, '-R'))
              - countIf(kind = 'erp' AND deleted AND NOT endsWith(key, '-R')) FROM entity_time_entry) AS time_entries_erp,
        (SELECT countIf(kind = 'erp' AND invoice_key IS NULL) FROM entity_expense) AS expenses_erp,
        (SELECT countIf(status = 'issued') FROM entity_invoice) AS invoices,
        (SELECT uniqExact(TraceId) FROM otel_traces) AS transactions,
        (SELECT count() FROM otel_traces) AS spans`,
    format: 'JSONEachRow',
    clickhouse_settings: { max_threads: 2 },
  })
  const [r] = await rs.json<Record<string, string>>()
  const odPsa = Math.floor(plan.final.psa / DAY)
  return {
    resources_hr: plan.people.length,
    resources_psa: plan.people.filter((p) => p.inPsa).length,
    projects_erp: plan.projects.filter((p) => p.createdErp !== null).length,
    projects_psa: plan.projects.filter((p) => p.createdPsa !== null).length,
    accounts: plan.accounts.length,
    opportunities: plan.opps.length,
    assignments: plan.assignments.filter((a) => a.start - 10 <= odPsa).length,
    rate_cards: plan.cards.length,
    time_entries_psa: plan.entries,
    expenses_psa: plan.expenses,
    ...Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])),
  }
}

export const firmDir = (entries: number, seed = DEFAULT_SEED, asOf = todayMidnight()): string =>
  path.join(os.tmpdir(), `crosswalk-firm-v${FIRM_VERSION}-${entries}-s${seed}-${ymd(Math.floor(asOf.getTime() / DAY))}`)

/**
 * The data dir of a seeded firm of this size, seed and as_of (today's UTC midnight by default),
 * seeded only when absent: into a temporary name in a child process (the engine's memory leaves
 * with it), renamed when done, so an interrupted seed is never reused. A bench that starts a
 * server on it may leave derived tables (exceptions of its detection runs, the server's own
 * derived state) behind: the firm's data stays as seeded.
 */
export async function seedFirmDir(entries: number, seed = DEFAULT_SEED, asOf = todayMidnight()): Promise<{ dir: string; meta: FirmMeta; seeded: boolean }> {
  const dir = firmDir(entries, seed, asOf)
  const metaFile = path.join(dir, 'firm.json')
  if (fs.existsSync(metaFile)) return { dir, meta: JSON.parse(fs.readFileSync(metaFile, 'utf8')) as FirmMeta, seeded: false }
  pruneStale(dir)
  const tmp = `${dir}.partial-${process.pid}`
  fs.rmSync(tmp, { recursive: true, force: true })
  const child = spawn(process.execPath, [path.join(ROOT, 'server/cli/run-ts.mjs'), fileURLToPath(import.meta.url), 'seed-dir', tmp, String(entries), String(seed), asOf.toISOString()], {
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`seeding ${entries} entries into ${tmp} failed (exit ${code})`)
  try {
    fs.renameSync(tmp, dir)
  } catch (e) {
    // Another process seeded the same firm meanwhile: use its copy.
    if (!fs.existsSync(metaFile)) throw e
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  return { dir, meta: JSON.parse(fs.readFileSync(metaFile, 'utf8')) as FirmMeta, seeded: true }
}

/** Removes partial seeds of dead processes and this size's caches of other days or versions. */
function pruneStale(dir: string): void {
  const base = path.basename(dir)
  const family = base.replace(/^crosswalk-firm-v\d+-/, '').replace(/-\d{4}-\d{2}-\d{2}$/, '')
  for (const name of fs.readdirSync(os.tmpdir())) {
    const m = /^crosswalk-firm-v\d+-(\d+-s\d+)-\d{4}-\d{2}-\d{2}(?:\.partial-(\d+))?$/.exec(name)
    if (!m || m[1] !== family || name === base) continue
    const pid = m[2] ? Number(m[2]) : null
    if (pid !== null && isAlive(pid)) continue
    const status = path.join(os.tmpdir(), name, 'status')
    const holder = fs.existsSync(status) ? Number(/^PID:\s*(\d+)/m.exec(fs.readFileSync(status, 'utf8'))?.[1]) : 0
    if (holder && isAlive(holder)) continue // a server still runs on it
    fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true })
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Seeds `dir` (created, migrated) and writes firm.json into it. */
export async function seedDir(dir: string, opts: FirmOptions): Promise<FirmMeta> {
  const db = await openDb({ dataDir: dir })
  try {
    await migrate(db)
    const meta = await seedFirm(db, opts)
    fs.writeFileSync(path.join(dir, 'firm.json'), JSON.stringify(meta, null, 2))
    return meta
  } finally {
    await db.close()
  }
}

if (process.argv[2] && path.resolve(process.argv[2]) === fileURLToPath(import.meta.url) && process.argv[3] === 'seed-dir') {
  const [dir, entries, seed, asOf] = process.argv.slice(4)
  if (!dir || !(Number(entries) > 0) || (seed !== undefined && !Number.isInteger(Number(seed))) || (asOf !== undefined && Number.isNaN(Date.parse(asOf)))) {
    console.error('usage: firm.ts seed-dir DIR ENTRIES [SEED] [AS_OF]')
    process.exit(2)
  }
  const log = (s: string) => console.error(s)
  log(`seeding a firm of ${Number(entries).toLocaleString('en-US')} time entries into ${dir}`)
  const meta = await seedDir(dir, { entries: Number(entries), seed: seed ? Number(seed) : undefined, asOf: asOf ? new Date(asOf) : undefined, log })
  log(`seeded in ${meta.seedSecs.toFixed(1)} s; planted ${JSON.stringify(meta.planted)}`)
}
