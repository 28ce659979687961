// Native export files (CONTRACT §8 "CLI"): the records of one entity as the system itself wrote
// them, read as a stream and denormalised the way the API reader of the same type does, so the
// shipped mappings apply unchanged.
//
//   salesforce-csv  Bulk API 2.0 query result CSV; `Account.Name` columns nest like REST answers
//   netsuite-json   a SuiteQL answer: records under `items`
//   dynamics-json   an OData answer: records under `value`
//   workday-json    a RaaS report: records under `Report_Entry` (absent: no rows)
//   kantata-json    an API answer: `results` + id-keyed maps; each result with its side-loaded
//                   records nested under the association's name (include=user → user.…)
//   harvest-json    a list answer: records under the endpoint's name (`time_entries`, `users`, …)
//
// Memory: only the record being read is held, except for Kantata, whose answer keeps the ids of
// `results` and the side-loaded maps (the records results refer to) while its own records stream.
import fs from 'node:fs'
import { createGunzip } from 'node:zlib'
import { csvRecord } from '../framework/csv.ts'
import { jsonArrayAt } from '../framework/json-stream.ts'
import { columnsOf, type Mapping, type MappingType } from '../mapping/index.ts'
import { denormalise, kantataIncludes } from '../types/kantata.ts'
import { csvRows } from './csv-stream.ts'
import { jsonTopLevel } from './json-top.ts'

export const FILE_FORMATS = {
  'salesforce-csv': { type: 'salesforce', what: 'a Bulk API 2.0 query result (CSV)' },
  'netsuite-json': { type: 'netsuite', what: 'a SuiteQL answer (JSON, records under "items")' },
  'dynamics-json': { type: 'dynamics', what: 'an OData answer (JSON, records under "value")' },
  'workday-json': { type: 'workday', what: 'a RaaS report (JSON, records under "Report_Entry")' },
  'kantata-json': { type: 'kantata', what: 'an API answer (JSON "results" + side-loaded maps)' },
  'harvest-json': { type: 'harvest', what: 'a list answer (JSON, records under the list\'s name, e.g. "time_entries")' },
} as const satisfies Record<string, { type: MappingType; what: string }>
export type FileFormat = keyof typeof FILE_FORMATS

export const isFileFormat = (f: string): f is FileFormat => Object.hasOwn(FILE_FORMATS, f)

/** Where a JSON format keeps its records. */
export function recordsKey(format: FileFormat, mapping: Mapping): string {
  switch (format) {
    case 'netsuite-json': return 'items'
    case 'dynamics-json': return 'value'
    case 'workday-json': return 'Report_Entry'
    case 'harvest-json': return (mapping.source as { records_key?: string }).records_key ?? (mapping.source.endpoint ?? '').split('/').pop()!
    default: return 'results'
  }
}

/** A file's bytes, gunzipped when it ends in .gz; small chunks so a reader stalls early when the sender is behind. */
export function openFile(file: string, onBytes?: (n: number) => void): () => AsyncIterable<Buffer> {
  return () => {
    const raw = fs.createReadStream(file, { highWaterMark: 64 * 1024 })
    if (onBytes) raw.on('data', (c) => onBytes((c as Buffer).length))
    return (file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw) as AsyncIterable<Buffer>
  }
}

/**
 * The native records of a file, a chunk's worth at a time. `open` is called once per pass
 * (Kantata reads its answer three times rather than holding it).
 */
export async function* readNativeRecords(format: FileFormat, open: () => AsyncIterable<Buffer>, mapping: Mapping): AsyncGenerator<unknown[]> {
  if (format === 'salesforce-csv') yield* readBulkCsv(open())
  else if (format === 'kantata-json') yield* readKantata(open, mapping)
  else for await (const recs of jsonArrayAt(open(), recordsKey(format, mapping))) yield recs
}

async function* readBulkCsv(body: AsyncIterable<Buffer>): AsyncGenerator<unknown[]> {
  let header: string[] | null = null
  const same = (r: string[]) => r.length === header!.length && r.every((v, i) => v === header![i])
  for await (const rows of csvRows(body)) {
    const out: unknown[] = []
    for (const r of rows) {
      if (r.length === 1 && r[0] === '') continue // a blank line
      if (!header) header = r
      // Results fetched by locator and saved one after another may repeat the header (⚠ REFERENCE §1.1).
      else if (!same(r)) out.push(csvRecord(header, r))
    }
    if (out.length) yield out
  }
}

const KANTATA_META = new Set(['results', 'count', 'meta'])

async function* readKantata(open: () => AsyncIterable<Buffer>, mapping: Mapping): AsyncGenerator<unknown[]> {
  // 1. The result set: which records of which maps are the answer (the maps also hold side-loads).
  const results = new Set<string>()
  const primary = new Set<string>()
  for await (const recs of jsonArrayAt(open(), 'results')) {
    for (const r of recs as Array<{ key?: unknown; id?: unknown }>) {
      if (typeof r?.key !== 'string' || r.id === undefined || r.id === null) continue
      results.add(`${r.key}\u0000${String(r.id)}`)
      primary.add(r.key)
    }
  }
  if (!results.size) return
  // 2. The side-loaded maps the results' associations point into.
  const side: Record<string, unknown> = {}
  for await (const items of jsonTopLevel(open(), (k) => (primary.has(k) || KANTATA_META.has(k) ? 'skip' : 'whole'))) {
    for (const it of items) if (it.value && typeof it.value === 'object' && !Array.isArray(it.value)) side[it.key] = it.value
  }
  // 3. The records themselves, one at a time, denormalised as the API reader does.
  const includes = kantataIncludes(columnsOf(mapping), mapping.source.include)
  const overrides = ((mapping.source as { collections?: Record<string, string> }).collections) ?? {}
  for await (const items of jsonTopLevel(open(), (k) => (primary.has(k) ? 'entries' : 'skip'))) {
    const out: unknown[] = []
    for (const it of items) {
      if (!results.has(`${it.key}\u0000${it.name}`)) continue // side-loaded, not a result
      out.push(...denormalise({ ...side, results: [{ key: it.key, id: it.name! }], [it.key]: { [it.name!]: it.value } }, includes, overrides))
    }
    if (out.length) yield out
  }
}
