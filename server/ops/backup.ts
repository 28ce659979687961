// Backups and restores of the whole database with ClickHouse's own BACKUP and RESTORE, on the
// embedded engine (File() under the backup root) and on a ClickHouse server (its Disk() or File()).
//
// Consistent: the span log is settled first (acknowledged spans are in the table), then every
// write of this process is paused while BACKUP runs (ops/write-gate.ts), so exceptions and their
// histories, settings, users, tokens, connector cursors and batches are all of one instant. A
// batch still being written then is uncommitted in the backup, as after a crash: never half seen.
import fs from 'node:fs'
import path from 'node:path'
import type { Db } from '../db/client.ts'
import { queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { settleSpans } from '../traces/store.ts'
import { AppError, badRequest } from '../lib/errors.ts'
import type { Config } from '../config/schema.ts'
import { backupRoot } from './config.ts'
import { WritesBusy, gateWrites, rawCommand } from './write-gate.ts'

export const MANIFEST = 'crosswalk-backup.json'
const ENGINE_DIR = 'clickhouse'
const SPANS_DIR = 'span-log'
/** How long a backup waits for writes in flight to finish before giving up (503). */
const DRAIN_MS = 60_000
const SAFE_PATH = /^[A-Za-z0-9._/-]+$/
const SAFE_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/

export interface Manifest {
  format: 1
  crosswalk_version: string
  engine: Db['engine']
  created_at: string
  migrations: Array<{ version: number; checksum: string }>
  /** Rows of each plain MergeTree table at the backup's instant (restore checks them). */
  tables: Record<string, number>
  span_segments: number
}

export interface BackupResult {
  dir: string
  engine: Db['engine']
  created_at: string
  tables: number
  rows: number
  bytes: number
  /** Span-log segments that could not be loaded (set aside): copied beside the backup, loaded after a restore. */
  span_segments: number
}

/** Where a backup named `dir` goes: the embedded engine's path, or the server's name for it. */
export interface Target {
  /** The directory shown to people (and, on the embedded engine, written by us). */
  dir: string
  /** File('…') or Disk('…', '…'), validated, for the statement text. */
  destination: string
  /** The embedded engine's backup directory (null on a ClickHouse server). */
  local: string | null
}

export function target(db: Db, config: Config, dir: string): Target {
  if (!dir || dir.length > 1024 || !SAFE_PATH.test(dir) || dir.split('/').includes('..'))
    throw badRequest('bad_parameter', "dir: use letters, digits, '.', '_', '-' and '/' only, without '..' segments.", { field: 'dir' })
  if (db.engine === 'clickhouse') {
    const d = config.backup.disk
    if (d && !SAFE_IDENT.test(d)) throw badRequest('bad_parameter', 'backup.disk is not a disk name.')
    return { dir, destination: d ? `Disk('${d}', '${dir}')` : `File('${dir}')`, local: null }
  }
  const root = backupRoot(config.backup, db.dataDir!)
  const local = path.resolve(root, dir)
  const rel = path.relative(root, local)
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel) || !SAFE_PATH.test(local))
    throw badRequest('bad_parameter', `dir: a backup goes in a directory inside ${root} (backup.dir in the config); got ${dir}.`, { field: 'dir' })
  return { dir: local, destination: `File('${path.join(local, ENGINE_DIR)}')`, local }
}

/** The statement of sql/ops/<file>, filled with the checked database name and destination. */
export async function statement(db: Db, file: string, t: Target): Promise<string> {
  const [{ name }] = await queryRows<{ name: string }>(db, 'ops.database', sqlFile('ops/database.sql'))
  if (!SAFE_IDENT.test(name)) throw new AppError(409, 'backup_refused', `The database name ${name} cannot be backed up by name; use the server's own BACKUP.`)
  return sqlFile(file).replaceAll('{{database}}', name).replaceAll('{{destination}}', t.destination)
}

export interface TableRows {
  name: string
  rows: number
  bytes: number
  /** A plain MergeTree: its row count survives merges, so a restore can be checked against it. */
  exact: boolean
}

export async function tableRows(db: Db): Promise<TableRows[]> {
  const rows = await queryRows<{ name: string; engine: string; rows: string; bytes: string }>(db, 'ops.table_rows', sqlFile('ops/table_rows.sql'))
  return rows.map((r) => ({ name: r.name, rows: Number(r.rows), bytes: Number(r.bytes), exact: /^(Replicated)?MergeTree$/.test(r.engine) }))
}

/** Runs `fn` with this process's writes paused; writes that do not finish in time are a 503. */
export async function withWritesPaused<T>(db: Db, fn: (run: (sql: string) => Promise<void>) => Promise<T>): Promise<T> {
  const gate = db.writes ?? gateWrites(db.client)
  const run = async (query: string) => {
    await rawCommand(gate)({ query, clickhouse_settings: { log_comment: 'ops.backup' } })
  }
  try {
    return await gate.pause(DRAIN_MS, () => fn(run))
  } catch (e) {
    if (e instanceof WritesBusy)
      throw new AppError(503, 'busy', `${e.writes} write(s) did not finish within ${DRAIN_MS / 1000} s; nothing was backed up. Retry later.`, undefined, { 'Retry-After': '30' })
    throw e
  }
}

/** An engine error as a sentence for a person: its first line, no stack, no statement. */
export function engineRefusal(e: unknown, what: string): AppError {
  const first = String((e as Error)?.message ?? e).split('\n')[0].replace(/\s*\(\w+\)\s*$/, '').replace(/Stack trace.*$/, '').trim()
  return new AppError(409, `${what}_refused`, `The engine refused the ${what}: ${first}`)
}

export async function backup(db: Db, config: Config, dir: string, version: string, now: Date): Promise<BackupResult> {
  const t = target(db, config, dir)
  if (t.local) prepareDir(t.local)
  await settleSpans(db)
  const migrations = await queryRows<{ version: number; checksum: string }>(db, 'ops.migrations', sqlFile('db/ledger_applied.sql'))
  const sql = await statement(db, 'ops/backup.sql', t)
  const tables = await withWritesPaused(db, async (run) => {
    const counts = await tableRows(db)
    try {
      await run(sql)
    } catch (e) {
      throw engineRefusal(e, 'backup')
    }
    return counts
  })
  const spanSegments = t.local ? copySetAsideSpans(db, t.local) : 0
  const manifest: Manifest = {
    format: 1,
    crosswalk_version: version,
    engine: db.engine,
    created_at: now.toISOString(),
    migrations: migrations.map((m) => ({ version: Number(m.version), checksum: m.checksum })),
    tables: Object.fromEntries(tables.filter((r) => r.exact).map((r) => [r.name, r.rows])),
    span_segments: spanSegments,
  }
  if (t.local) fs.writeFileSync(path.join(t.local, MANIFEST), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 })
  return {
    dir: t.dir,
    engine: db.engine,
    created_at: manifest.created_at,
    tables: tables.length,
    rows: tables.reduce((n, r) => n + r.rows, 0),
    bytes: tables.reduce((n, r) => n + r.bytes, 0),
    span_segments: spanSegments,
  }
}

/** A backup goes into a new (or empty) directory: an old backup is never written over. */
function prepareDir(dir: string): void {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0)
    throw new AppError(409, 'exists', `${dir} is not empty; back up into a new directory (a date in its name, say).`)
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
}

/**
 * Span-log segments set aside because they could not be loaded hold acknowledged spans: they go
 * with the backup (a restore puts them back, to be tried at the next start). Segments in the
 * log proper were loaded by the settle before the pause, but for those acknowledged since.
 */
function copySetAsideSpans(db: Db, dir: string): number {
  const failed = path.join(db.dataDir!, 'span-log', 'failed')
  const files = fs.existsSync(failed) ? fs.readdirSync(failed).filter((f) => f.endsWith('.tsv')) : []
  if (files.length) fs.mkdirSync(path.join(dir, SPANS_DIR), { recursive: true, mode: 0o700 })
  for (const f of files) fs.copyFileSync(path.join(failed, f), path.join(dir, SPANS_DIR, f))
  return files.length
}

export { SPANS_DIR }
