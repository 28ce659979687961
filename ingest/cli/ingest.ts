// `crosswalk ingest FILE`: the file collector from the command line; every check of the
// arguments happens before anything is sent. With --format, FILE is a system's own export,
// mapped with the shipped mapping of its type (CONTRACT §8 "CLI").
import fs from 'node:fs'
import YAML from 'yaml'
import { ENTITY_NAMES, isEntityName } from '../../server/model/entities.ts'
import { ingestFile } from '../collectors/ingest-file.ts'
import { parseDatetime } from '../../server/lib/time.ts'
import { UsageError, intOption, parse } from '../../server/cli/args.ts'
import { remote } from './remote.ts'
import { FILE_FORMATS, isFileFormat, type FileFormat } from '../connectors/files/read.ts'
import { ingestNativeFile, mappingFor } from '../collectors/ingest-native.ts'
import { refTargets } from '../connectors/files/map-native.ts'
import { MappingError, shippedMappings } from '../connectors/mapping/index.ts'
import type { EntityName } from '../../server/model/spec.ts'

export const HELP = `Usage: crosswalk ingest FILE --system S --entity E [--mode delta|full] [--server URL] [--token T]
                        [--observed-at ISO] [--batch-rows N] [--concurrency N]
       crosswalk ingest FILE --system S --entity E --format F [--mapping FILE] [--lookup ENTITY=FILE]...
                        [--date-format FMT] [same options as above]

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

Native export files (--format F): FILE is what the system itself exports, mapped to canonical
records with the mapping the connector of that type ships (see 'crosswalk connectors show TYPE'):
${Object.entries(FILE_FORMATS).map(([f, d]) => `  ${f.padEnd(15)} ${d.what}`).join('\n')}
  --mapping FILE    overrides of the shipped mapping, in the shape of the config's
                    connector.entities.<entity> (YAML or JSON: {fields: {name: Path, …}}), or
                    {entities: {<entity>: …}} to override the lookup entities too
  --lookup E=FILE   an export of entity E in the same format, to resolve references by native
                    id (e.g. a time entry's user id → that resource's key). Repeat per entity;
                    plain --lookup FILE when the entity refers to only one other. A file cannot
                    resolve a reference by itself: without a lookup for its target, a record
                    with such a reference is rejected naming the field. References to the
                    file's own entity (an account's parent) resolve from the file itself.
  --date-format F   the tenant's date format for dates not in ISO form (NetSuite's date
                    preference, e.g. D/M/YYYY; the shipped NetSuite default is M/D/YYYY)
Records the mapping rejects are sent too, built to fail validation on the field that could
not be mapped: the dead-letter store keeps each with the field named, the mapping's reason and
the native record. Files ending in .gz are gunzipped. Large files are streamed: reading waits
while the server is behind, so memory stays bounded (a Kantata answer's side-loaded maps are
the exception: they are held while its own records stream).

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
      format: { type: 'string' },
      mapping: { type: 'string' },
      lookup: { type: 'string', multiple: true },
      'date-format': { type: 'string' },
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
  if (values.format !== undefined) return runNative(file, values.entity, mode, values as NativeValues)
  for (const o of ['mapping', 'lookup', 'date-format'] as const) if (values[o] !== undefined) throw new UsageError(`--${o} needs --format`)
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

interface NativeValues {
  system: string
  format: string
  mapping?: string
  lookup?: string[]
  'date-format'?: string
  server?: string
  token?: string
  'observed-at'?: string
  'batch-rows'?: string
  concurrency?: string
}

async function runNative(file: string, entity: EntityName, mode: 'delta' | 'full', values: NativeValues) {
  const format = values.format
  if (!isFileFormat(format)) throw new UsageError(`--format must be one of ${Object.keys(FILE_FORMATS).join(', ')}, got '${format}'`)
  const type = FILE_FORMATS[format].type
  const feeds = shippedMappings().filter((m) => m.type === type).map((m) => m.entity)
  if (!feeds.includes(entity)) throw new UsageError(`${type} has no mapping for ${entity}; it maps ${feeds.join(', ')}`)
  let overrides: Record<string, unknown> | undefined
  if (values.mapping) {
    if (!fs.existsSync(values.mapping)) throw new UsageError(`no such file: ${values.mapping}`)
    try {
      overrides = YAML.parse(fs.readFileSync(values.mapping, 'utf8')) ?? {}
    } catch (e) {
      throw new UsageError(`--mapping ${values.mapping} is not YAML or JSON: ${(e as Error).message.split('\n')[0]}`)
    }
    if (typeof overrides !== 'object' || Array.isArray(overrides)) throw new UsageError(`--mapping ${values.mapping} must hold an object such as {fields: {…}}`)
  }
  let mapping
  try {
    mapping = mappingFor(format as FileFormat, entity, overrides)
  } catch (e) {
    if (e instanceof MappingError) throw new UsageError(`--mapping ${values.mapping}: ${e.message}`)
    throw e
  }
  const targets = refTargets(mapping)
  const lookups: Partial<Record<EntityName, string>> = {}
  for (const l of values.lookup ?? []) {
    const eq = l.indexOf('=')
    let target = eq > 0 ? l.slice(0, eq) : undefined
    const path = eq > 0 ? l.slice(eq + 1) : l
    const others = targets.filter((t) => t !== entity)
    if (!target) {
      if (others.length !== 1) throw new UsageError(`--lookup ${l}: say which entity it holds (--lookup ENTITY=FILE); ${entity} refers to ${targets.join(', ') || 'nothing'} by native id`)
      target = others[0]
    }
    if (!isEntityName(target) || !targets.includes(target)) throw new UsageError(`--lookup ${l}: ${entity} refers to ${targets.join(', ') || 'nothing'} by native id, not ${target}`)
    if (!fs.existsSync(path)) throw new UsageError(`no such file: ${path}`)
    if (!feeds.includes(target)) throw new UsageError(`--lookup ${l}: ${type} has no mapping for ${target}`)
    lookups[target] = path
  }
  let summary
  try {
    summary = await ingestNativeFile({
      file, format, entity, overrides, lookups, dateFormat: values['date-format'],
      ...remote(values),
      system: values.system,
      mode,
      observedAt: values['observed-at'],
      batchRows: intOption(values['batch-rows'], '--batch-rows', 10_000) || 10_000,
      concurrency: intOption(values.concurrency, '--concurrency', 4) || 1,
      onRetry: (n, why) => process.stderr.write(`\nretry ${n}: ${why}\n`),
    })
  } catch (e) {
    if (e instanceof MappingError) throw new UsageError(`--mapping ${values.mapping}: ${e.message}`)
    throw e
  }
  const looked = Object.entries(summary.lookedUp).map(([e, n]) => `${n} ${e} keys`)
  console.log(
    `${file} (${format}, ${entity}): ${summary.read} records read` + (looked.length ? ` (lookups: ${looked.join(', ')})` : '') +
      `, ${summary.batches} batch${summary.batches === 1 ? '' : 'es'}, ${summary.accepted} accepted, ${summary.rejected} rejected` +
      ` (${summary.mappingRejected} by the mapping), ${summary.duplicates} duplicate batches` +
      (mode === 'full' ? `, ${summary.deleted} deleted` : '') + `, ${summary.seconds.toFixed(1)} s`,
  )
  const lines = [
    ...summary.problems.map((p) => ({ n: p.record, text: `  record ${p.record}: ${p.message.startsWith(p.field) ? p.message : `${p.field}: ${p.message}`}` })),
    ...summary.errors.map((e) => ({ n: e.line, text: `  record ${e.line}: ${e.field ? `${e.field}: ` : ''}${e.message}` })),
  ].sort((a, b) => a.n - b.n)
  for (const l of lines.slice(0, 20)) console.log(l.text)
  if (lines.length > 20) console.log(`  … and more`)
  if (summary.read === 0) console.log(`No records found: is ${file} ${FILE_FORMATS[format as FileFormat].what}?`)
  if (summary.rejected > 0) {
    console.log(`Rejected records are in the dead-letter store: GET /api/v1/dead-letters?system=${values.system}&entity=${entity}`)
    process.exitCode = 3
  }
}
