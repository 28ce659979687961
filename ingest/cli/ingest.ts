import fs from 'node:fs'
import { ENTITY_NAMES, isEntityName } from '../../server/model/entities.ts'
import { ingestFile } from '../collectors/ingest-file.ts'
import { parseDatetime } from '../../server/lib/time.ts'
import { UsageError, intOption, parse } from '../../server/cli/args.ts'
import { remote } from './remote.ts'

export const HELP = `Usage: crosswalk ingest FILE --system S --entity E [--mode delta|full] [--server URL] [--token T]
                        [--observed-at ISO] [--batch-rows N] [--concurrency N]

Streams FILE (NDJSON, a JSON array, or either gzipped as .gz) to the ingest API in batches,
with retries. Batch ids are derived from content, so sending the same file twice changes
nothing. With --mode full the file is one complete snapshot: records of the system missing
from it are deleted when its last part lands.

Options:
  --system S        source system id, e.g. netsuite
  --entity E        one of ${ENTITY_NAMES.join(', ')}
  --mode M          delta (default) or full
  --server URL      API address (env CROSSWALK_SERVER, default http://127.0.0.1:8787)
  --token T         collector or admin token (env CROSSWALK_TOKEN)
  --observed-at ISO when the data was read from the source (default: now)
  --batch-rows N    records per request (default 50000)
  --concurrency N   requests in flight at once (default 4)

Bodies are gzipped unless the server is on this machine (loopback), where compressing would
only cost both sides CPU.`

export async function run(argv: string[]) {
  const { values, positionals } = parse(
    argv,
    {
      system: { type: 'string' },
      entity: { type: 'string' },
      mode: { type: 'string' },
      server: { type: 'string' },
      token: { type: 'string' },
      'observed-at': { type: 'string' },
      'batch-rows': { type: 'string' },
      concurrency: { type: 'string' },
    },
    true,
  )
  const [file, ...extra] = positionals
  if (!file) throw new UsageError('ingest needs a FILE')
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`)
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`)
  if (!values.system) throw new UsageError('--system is required')
  if (!values.entity || !isEntityName(values.entity)) throw new UsageError(`--entity must be one of ${ENTITY_NAMES.join(', ')}`)
  const mode = values.mode ?? 'delta'
  if (mode !== 'delta' && mode !== 'full') throw new UsageError(`--mode must be delta or full, got '${mode}'`)
  if (values['observed-at'] && !parseDatetime(values['observed-at'])) throw new UsageError('--observed-at must be an ISO-8601 datetime with Z or an offset')
  const summary = await ingestFile({
    file,
    ...remote(values),
    system: values.system,
    entity: values.entity,
    mode,
    observedAt: values['observed-at'],
    batchRows: intOption(values['batch-rows'], '--batch-rows', 50_000) || 50_000,
    concurrency: intOption(values.concurrency, '--concurrency', 4) || 1,
    onRetry: (n, why) => process.stderr.write(`\nretry ${n}: ${why}\n`),
  })
  const rate = Math.round(summary.rows / Math.max(summary.seconds, 0.001))
  console.log(
    `${file}: ${summary.rows} records in ${summary.batches} batch${summary.batches === 1 ? '' : 'es'}, ` +
      `${summary.accepted} accepted, ${summary.rejected} rejected, ${summary.duplicates} duplicate batches` +
      (mode === 'full' ? `, ${summary.deleted} deleted` : '') +
      `, ${summary.seconds.toFixed(1)} s (${rate} rows/s)`,
  )
  for (const e of summary.errors.slice(0, 20)) console.log(`  line ${e.line}: ${e.field ? `${e.field}: ` : ''}${e.message}`)
  if (summary.rejected > 0) {
    console.log(`Rejected records are in the dead-letter store: GET /api/v1/dead-letters?system=${values.system}&entity=${values.entity}`)
    process.exitCode = 3
  }
}
