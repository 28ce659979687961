// `crosswalk restore DIR`: restores a backup into a running server started on a new, empty data
// dir (POST /api/v1/admin/restore), checks it against the backup's manifest, and says to restart.
import { UsageError, parse } from './args.ts'
import { callApi } from '../../ingest/cli/admin-api.ts'
import { remote } from '../../ingest/cli/remote.ts'
import { IngestError } from '../../ingest/collectors/client.ts'
import { backupDirArg } from './backup.ts'

export const HELP = `Usage: crosswalk restore DIR [--server URL] [--token ADMIN_TOKEN]

Restores the backup in DIR (made by 'crosswalk backup') into the running server, which must be
fresh: started on a new, empty data dir (or database) with the same Crosswalk version. A server
that already holds records refuses. Every table is then checked against the backup's manifest.

Restart the server afterwards: every part of it then starts from the restored data. The whole
procedure, and how to verify it, is in docs/operations.md.`

export async function run(argv: string[]) {
  const { values, positionals } = parse(argv, { server: { type: 'string' }, token: { type: 'string' } }, true)
  const [dir, ...extra] = positionals
  if (!dir) throw new UsageError('restore needs the DIR of a backup')
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`)
  const r = await callApi(remote(values), 'POST', '/api/v1/admin/restore', { dir: backupDirArg(dir) })
  console.log(`restored ${r.tables} tables, ${Number(r.rows).toLocaleString('en-US')} rows from ${r.dir}`)
  if (r.mismatches.length) throw new IngestError(`the restore does not match the backup: ${r.mismatches.join('; ')}`)
  if (r.verified) console.log('  every table has the rows the backup lists')
  console.log('Restart the server now, so that every part of it starts from the restored data.')
}
