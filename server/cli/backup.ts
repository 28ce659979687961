// `crosswalk backup DIR`: asks the running server for a consistent backup (POST
// /api/v1/admin/backup); the embedded engine is one process per data dir, so the server does it.
import path from 'node:path'
import { UsageError, parse } from './args.ts'
import { callApi } from '../../ingest/cli/admin-api.ts'
import { remote } from '../../ingest/cli/remote.ts'

export const HELP = `Usage: crosswalk backup DIR [--server URL] [--token ADMIN_TOKEN]

Backs up everything (records and their history, exceptions and their histories, settings, users,
tokens, connector cursors, batches, spans, the audit log) at one instant, while the server runs:
writes pause for the few seconds it takes; reads go on.

DIR is a new or empty directory inside the server's backup root (config backup.dir; default
'backups' beside the data dir). A name without '/' goes in the root; another path is taken as
given, relative to this directory. On a ClickHouse server (CLICKHOUSE_URL) DIR is a path on the
server's backup disk (config backup.disk) or under its backups.allowed_path.

Restore with 'crosswalk restore DIR' into a server started on a new data dir: docs/operations.md.`

/** A bare name is the server's to place (in its backup root); a path is resolved here, where the user typed it. */
export function backupDirArg(dir: string): string {
  return dir.includes('/') ? path.resolve(dir) : dir
}

export async function run(argv: string[]) {
  const { values, positionals } = parse(argv, { server: { type: 'string' }, token: { type: 'string' } }, true)
  const [dir, ...extra] = positionals
  if (!dir) throw new UsageError('backup needs a DIR to write the backup to')
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`)
  const r = await callApi(remote(values), 'POST', '/api/v1/admin/backup', { dir: backupDirArg(dir) })
  console.log(`backed up ${r.tables} tables, ${Number(r.rows).toLocaleString('en-US')} rows (${(r.bytes / 1e6).toFixed(1)} MB) to ${r.dir}`)
  if (r.span_segments) console.log(`  with ${r.span_segments} span-log segment(s) that could not be loaded yet (they are tried again after a restore)`)
}
