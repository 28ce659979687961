// One export in a process of its own, for fast-export.ts: the parent samples this process's RSS
// between "ready" and the JSON result. Arguments: data dir, csv|xlsx, sql|js.
import crypto from 'node:crypto'
import readline from 'node:readline'
import { Writable } from 'node:stream'
import { openDb } from '../../server/db/client.ts'
import { csvHeader, csvRows } from '../../server/exports/csv.ts'
import { rowsXml } from '../../server/exports/xlsx-cells.ts'
import { xlsxStream, type SheetChunk } from '../../server/exports/xlsx.ts'
import { recordColumns } from '../../server/exports/record-columns.ts'
import type { Column } from '../../server/exports/columns.ts'
import { findComparison } from '../../server/reconciliation/catalog.ts'
import { recordSource, streamRecordSlices, streamRecordsCsv, streamRecordsXlsx, type RecordFilter } from '../../server/reconciliation/query.ts'

const [dataDir, format, writer] = process.argv.slice(3)
const db = await openDb({ dataDir })
const c = findComparison('psa-erp', 'time_entry')!
const f: RecordFilter = { asOf: new Date('2026-06-30T12:00:00Z'), from: '2026-01-01', to: '2026-06-30' }
const source = await recordSource(db, c, f)
const cols = recordColumns(c.a, c.b, source.map((s) => s.name))

async function* jsSheet(columns: Column[]): AsyncGenerator<SheetChunk> {
  let done = 0
  for await (const rows of streamRecordSlices(db, c, f, 2_500)) {
    yield { xml: rowsXml(columns, rows, done, (r) => String(r.currency ?? 'USD')), rows: rows.length }
    done += rows.length
  }
}

async function* csvBody(): AsyncGenerator<string | Uint8Array> {
  yield csvHeader(cols)
  if (writer === 'sql') yield* streamRecordsCsv(db, c, f, cols, source)
  else for await (const rows of streamRecordSlices(db, c, f)) yield csvRows(cols, rows)
}

/** The export's bytes, hashed and counted, never held. */
async function drain(body: AsyncIterable<string | Uint8Array>) {
  const hash = crypto.createHash('sha256')
  let bytes = 0
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      bytes += chunk.length
      hash.update(chunk)
      done()
    },
  })
  for await (const chunk of body) if (!sink.write(chunk)) await new Promise((r) => sink.once('drain', r))
  return { bytes, sha256: hash.digest('hex').slice(0, 16) }
}

console.log('ready')
await new Promise((r) => readline.createInterface({ input: process.stdin }).once('line', r))
const t = performance.now()
const meta = { title: 'bench', filters: {}, asOf: '2026-06-30T12:00:00.000Z', generatedAt: '2026-07-01T00:00:00.000Z' }
const body = format === 'csv' ? csvBody() : xlsxStream(cols, writer === 'sql' ? streamRecordsXlsx(db, c, f, cols, source) : jsSheet(cols), meta)
const out = await drain(body as AsyncIterable<Uint8Array>)
console.log(JSON.stringify({ secs: (performance.now() - t) / 1000, ...out }))
await db.close()
process.exit(0)
