// `crosswalk ingest FILE --format F`: a system's own export file, mapped with the shipped mapping
// of its type (plus the firm's overrides) and sent through the ingest API as canonical NDJSON,
// in batches, with the same client, retries and snapshot parts as any other file.
//
// Streamed end to end: records are read a chunk at a time, mapped, cut into batches, and reading
// waits while `concurrency` batches are in flight, so memory stays bounded whatever the file's
// size. Records the mapping rejects go to the server too, built to fail validation on the field
// (see connectors/files/map-native.ts), so the dead-letter store holds them with the reason.
import type { EntityName } from '../../server/model/spec.ts'
import { loadMapping, mapRecord, mergeMapping, type MapContext, type Mapping } from '../connectors/mapping/index.ts'
import { FILE_FORMATS, openFile, readNativeRecords, type FileFormat } from '../connectors/files/read.ts'
import { NativeMapper, keyMapping, refTargets, type FieldProblem, type Lookups } from '../connectors/files/map-native.ts'
import type { FileBatch } from './file-batches.ts'
import { contentDigest, sendBatches, type IngestFileSummary, type SendBatchesOptions } from './ingest-file.ts'
import { Progress } from './progress.ts'
import fs from 'node:fs'

export interface NativeFileOptions extends Omit<SendBatchesOptions, 'onSent'> {
  file: string
  format: FileFormat
  entity: EntityName
  /** The config's `entities.<entity>` override, or `{entities: {<entity>: …}}` for several. */
  overrides?: Record<string, unknown>
  /** Files of the entities referred to by native id, in the same format. */
  lookups?: Partial<Record<EntityName, string>>
  /** The tenant's date format (NetSuite's date preference). */
  dateFormat?: string
  batchRows?: number
  /** Called with the records read so far (tests watch the reader wait for the sender). */
  onRead?: (records: number) => void
  /** Opens the file (tests pass a stream); defaults to reading `file`. */
  open?: () => AsyncIterable<Buffer>
}

export interface NativeFileSummary extends IngestFileSummary {
  /** Records read from the file. */
  read: number
  /** Records the mapping rejected (sent to the dead letters with the field named). */
  mappingRejected: number
  /** The first mapping problems, by record number in the file. */
  problems: Array<{ record: number; field: string; message: string }>
  /** How many records of each looked-up entity were read. */
  lookedUp: Record<string, number>
}

const MAX_PROBLEMS = 100

export function mappingFor(format: FileFormat, entity: EntityName, overrides?: Record<string, unknown>): Mapping {
  const type = FILE_FORMATS[format].type
  const entities = overrides && 'entities' in overrides ? (overrides.entities as Record<string, unknown>) : overrides ? { [entity]: overrides } : {}
  return mergeMapping(loadMapping(type, entity), entities[entity], `--mapping entities.${entity}`)
}

/** native id → key of every record of `entity` in `file` (a record without either is skipped). */
export async function buildLookup(format: FileFormat, entity: EntityName, open: () => AsyncIterable<Buffer>, mapping: Mapping, ctx: MapContext): Promise<Map<string, string>> {
  const km = keyMapping(mapping)
  const table = new Map<string, string>()
  for await (const recs of readNativeRecords(format, open, mapping)) {
    for (const native of recs) {
      const m = mapRecord(km, native, ctx)
      if (m.ok && typeof m.record.key === 'string' && m.record.key) table.set(m.nativeId, m.record.key)
    }
  }
  return table
}

export async function ingestNativeFile(o: NativeFileOptions): Promise<NativeFileSummary> {
  const ctx: MapContext = o.dateFormat ? { format: o.dateFormat } : {}
  const mapping = mappingFor(o.format, o.entity, o.overrides)
  const size = o.open ? 0 : fs.statSync(o.file).size
  let bytesRead = 0
  const open = o.open ?? openFile(o.file, (n) => (bytesRead += n))
  const lookups: Lookups = new Map()
  const lookedUp: Record<string, number> = {}
  for (const target of refTargets(mapping)) {
    const file = o.lookups?.[target]
    // An entity referring to its own kind (account.parent_key) resolves from the file itself.
    const from = file ? openFile(file) : target === o.entity ? open : null
    if (!from) continue
    const t = await buildLookup(o.format, target, from, mappingFor(o.format, target, o.overrides), ctx)
    lookups.set(target, t)
    lookedUp[target] = t.size
  }
  bytesRead = 0

  const mapper = new NativeMapper(mapping, lookups, ctx)
  const problems: NativeFileSummary['problems'] = []
  let read = 0
  let mappingRejected = 0
  const rejectedAt = new Set<number>()
  const batchRows = o.batchRows ?? 10_000

  async function* batches(): AsyncGenerator<FileBatch> {
    let lines: string[] = []
    let first = 1
    const cut = (): FileBatch => {
      const start = first
      const batch = { body: Buffer.from(lines.join('\n') + '\n'), fileLine: (n: number) => start + n - 1 }
      first += lines.length
      lines = []
      return batch
    }
    for await (const recs of readNativeRecords(o.format, open, mapping)) {
      for (const native of recs) {
        read++
        const line = mapper.map(native)
        if (line.problems) note(read, line.problems)
        lines.push(line.text)
        if (lines.length >= batchRows) yield cut()
      }
      o.onRead?.(read)
    }
    if (lines.length) yield cut()
  }
  const note = (record: number, ps: FieldProblem[]) => {
    mappingRejected++
    if (rejectedAt.size < 10_000) rejectedAt.add(record)
    for (const p of ps) if (problems.length < MAX_PROBLEMS) problems.push({ record, ...p })
  }

  const progress = new Progress(size)
  // A full snapshot's id from everything that decides what is sent: re-sending it changes nothing.
  const inputs = [o.file, ...Object.values(o.lookups ?? {})]
  const snapshot = o.mode === 'full' && !o.open
    ? await contentDigest(inputs, JSON.stringify([o.system, o.format, o.entity, o.overrides ?? null, o.lookups ?? null, o.dateFormat ?? null, batchRows]))
    : undefined
  const sum = await sendBatches(batches(), { ...o, snapshot, onSent: (s) => progress.update(s.rows, bytesRead) })
  progress.update(sum.rows, size, true)
  progress.done()
  // The server's words for a line the mapping rejected only say the field's value is no
  // value; the mapping's problem (in `problems`) is the useful one.
  sum.errors = sum.errors.filter((e) => !rejectedAt.has(e.line))
  return { ...sum, read, mappingRejected, problems, lookedUp }
}
