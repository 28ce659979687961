// Restores a backup (ops/backup.ts) into a fresh database: a server just started on a new data
// dir (or a new database on a ClickHouse server). Restoring over data would mix two histories,
// so a database that already holds records is refused. Then the server is restarted, so every
// part of it (settings, derived tables, schedules) starts from the restored data.
import fs from 'node:fs'
import path from 'node:path'
import type { Db } from '../db/client.ts'
import { queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { AppError, notFound } from '../lib/errors.ts'
import type { Config } from '../config/schema.ts'
import { MANIFEST, SPANS_DIR, engineRefusal, statement, tableRows, target, withWritesPaused, type Manifest } from './backup.ts'

/** Tables a freshly started server may already have written to; their rows are kept beside the backup's.
 *  Leases: a server takes them at start (a digest pass); an old holder's expired versions are inert. */
const MAY_HAVE_ROWS = new Set(['schema_migrations', 'audit_log', 'sessions', 'token_usage', 'work_lease', 'detection_lease'])

export interface RestoreResult {
  dir: string
  tables: number
  rows: number
  /** Tables whose row count differs from the backup's manifest (embedded engine): empty when verified. */
  mismatches: string[]
  verified: boolean
  /** Set-aside span-log segments put back, loaded at the next start. */
  span_segments: number
  restart_required: true
}

export async function restore(db: Db, config: Config, dir: string): Promise<RestoreResult> {
  const t = target(db, config, dir)
  const manifest = t.local ? readManifest(t.local) : null
  if (manifest) await sameSchema(db, manifest)
  await mustBeFresh(db)
  const sql = await statement(db, 'ops/restore.sql', t)
  await withWritesPaused(db, async (run) => {
    try {
      await run(sql)
    } catch (e) {
      throw engineRefusal(e, 'restore')
    }
  })
  const spans = t.local ? putBackSpans(db, t.local) : 0
  const after = await tableRows(db)
  const mismatches = manifest
    ? Object.entries(manifest.tables)
        .filter(([name, rows]) => {
          const now = after.find((r) => r.name === name)?.rows ?? 0
          return MAY_HAVE_ROWS.has(name) ? now < rows : now !== rows
        })
        .map(([name, rows]) => `${name}: ${rows} rows in the backup, ${after.find((r) => r.name === name)?.rows ?? 0} restored`)
    : []
  return {
    dir: t.dir,
    tables: after.length,
    rows: after.reduce((n, r) => n + r.rows, 0),
    mismatches,
    verified: manifest !== null && mismatches.length === 0,
    span_segments: spans,
    restart_required: true,
  }
}

function readManifest(dir: string): Manifest {
  let text: string
  try {
    text = fs.readFileSync(path.join(dir, MANIFEST), 'utf8')
  } catch {
    throw notFound(`No Crosswalk backup in ${dir} (${MANIFEST} is missing).`)
  }
  try {
    const m = JSON.parse(text) as Manifest
    if (m.format !== 1 || !Array.isArray(m.migrations) || typeof m.tables !== 'object') throw new Error('shape')
    return m
  } catch {
    throw new AppError(409, 'bad_backup', `${path.join(dir, MANIFEST)} is not a Crosswalk backup manifest.`)
  }
}

/** The backup's schema must be this server's: restore with the version that made it, then upgrade. */
async function sameSchema(db: Db, m: Manifest): Promise<void> {
  const mine = await queryRows<{ version: number; checksum: string }>(db, 'ops.migrations', sqlFile('db/ledger_applied.sql'))
  const key = (l: Array<{ version: number; checksum: string }>) => l.map((x) => `${Number(x.version)}:${x.checksum}`).sort().join(',')
  if (key(mine) !== key(m.migrations)) {
    const theirs = Math.max(0, ...m.migrations.map((x) => Number(x.version)))
    const ours = Math.max(0, ...mine.map((x) => Number(x.version)))
    throw new AppError(409, 'schema_mismatch', `The backup's schema (migration ${theirs}, Crosswalk ${m.crosswalk_version}) is not this server's (migration ${ours}): restore it with the Crosswalk version that made it, then upgrade.`)
  }
}

async function mustBeFresh(db: Db): Promise<void> {
  const full = (await tableRows(db)).filter((r) => r.rows > 0 && !MAY_HAVE_ROWS.has(r.name))
  if (full.length)
    throw new AppError(409, 'not_empty', `This database already holds data (${full.slice(0, 3).map((r) => `${r.name}: ${r.rows} rows`).join(', ')}): restore into a server started on a new, empty data dir.`)
}

/** Span segments the backup carried go where the span log looks at start (its set-aside folder). */
function putBackSpans(db: Db, dir: string): number {
  const from = path.join(dir, SPANS_DIR)
  const files = fs.existsSync(from) ? fs.readdirSync(from).filter((f) => f.endsWith('.tsv')) : []
  const to = path.join(db.dataDir!, 'span-log', 'failed')
  if (files.length) fs.mkdirSync(to, { recursive: true, mode: 0o700 })
  for (const f of files) fs.copyFileSync(path.join(from, f), path.join(to, f))
  return files.length
}
