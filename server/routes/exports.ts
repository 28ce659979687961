// Exports (CONTRACT §6): the exception list and the reconciliation records as CSV or XLSX,
// streamed from ClickHouse to the response with the same filters as the lists.
import { Readable } from 'node:stream'
import type { Context } from 'hono'
import { stream } from 'hono/streaming'
import type { AppEnv } from '../context.ts'
import { audit } from '../auth/audit.ts'
import { sqlFile } from '../db/sql-files.ts'
import { streamRows } from '../db/stream.ts'
import { routes } from '../http/openapi.ts'
import { chToIso } from '../lib/time.ts'
import { filterParams } from '../exceptions/repository.ts'
import { toFilter, toSort } from './exceptions.schema.ts'
import { recordSource, streamRecords, streamRecordsCsv, streamRecordsXlsx } from '../reconciliation/query.ts'
import { comparisonOf, recordFilter } from './reconciliation.ts'
import { exceptionsCsv, exceptionsXlsx, reconciliationCsv, reconciliationXlsx, XLSX_TYPE, type ExceptionQuery, type RecordQuery } from './exports.schema.ts'
import { csvHeader, csvRows } from '../exports/csv.ts'
import { rowsXml } from '../exports/xlsx-cells.ts'
import { xlsxStream, type SheetChunk } from '../exports/xlsx.ts'
import { fileName, type Column, type ExportMeta } from '../exports/columns.ts'
import { recordColumns } from '../exports/record-columns.ts'

const EXCEPTION_COLUMNS: Column[] = [
  { key: 'id', header: 'Exception id', type: 'text' },
  { key: 'rule', header: 'Rule', type: 'text' },
  { key: 'entity_type', header: 'Entity type', type: 'text' },
  { key: 'entity_key', header: 'Entity key', type: 'text' },
  { key: 'status', header: 'Status', type: 'text' },
  { key: 'resolution', header: 'Resolution', type: 'text' },
  { key: 'severity', header: 'Severity', type: 'text' },
  { key: 'owner', header: 'Owner', type: 'text' },
  { key: 'amount_at_risk', header: 'Amount at risk', type: 'money' },
  { key: 'currency', header: 'Currency', type: 'text' },
  // The amount converted at its record's date (CONTRACT §5 Currency); empty when no rate applies.
  { key: 'amount_at_risk_reporting', header: 'Amount at risk (reporting)', type: 'money', currency: 'reporting_currency' },
  { key: 'reporting_currency', header: 'Reporting currency', type: 'text' },
  { key: 'systems', header: 'Systems', type: 'text' },
  { key: 'practice', header: 'Practice', type: 'text' },
  { key: 'region', header: 'Region', type: 'text' },
  { key: 'first_detected_at', header: 'First detected', type: 'datetime' },
  { key: 'last_detected_at', header: 'Last detected', type: 'datetime' },
  { key: 'due_at', header: 'Due', type: 'datetime' },
  { key: 'overdue', header: 'Overdue', type: 'bool' },
  { key: 'details', header: 'Details (values by system)', type: 'text' },
]

type Rows = AsyncIterable<Record<string, unknown>[]>

/** An iterable whose first item has already been read: a failing query answers with an error
 *  status instead of a response cut short after its first bytes. */
async function started<T>(items: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const it = items[Symbol.asyncIterator]()
  const first = await it.next()
  return {
    async *[Symbol.asyncIterator]() {
      if (first.done) return
      yield first.value
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value
    },
  }
}

/** An export's content after its header: CSV text, or sheet rows (xlsx.ts). */
type Body = { csv: AsyncIterable<string | Uint8Array> } | { sheet: AsyncIterable<SheetChunk> }

async function* csvLines(cols: Column[], rows: Rows): AsyncGenerator<string> {
  for await (const batch of rows) yield csvRows(cols, batch)
}

/** Rows as sheet XML, numbered within their sheet (xlsx.ts); a row without a currency is in the reporting one. */
async function* sheetRows(cols: Column[], rows: Rows, reporting: string): AsyncGenerator<SheetChunk> {
  let done = 0
  for await (const batch of rows) {
    yield { xml: rowsXml(cols, batch, done, (r) => String(r.currency ?? reporting)), rows: batch.length }
    done += batch.length
  }
}

/** Rows written here, in the export's format. */
const written = (format: 'csv' | 'xlsx', cols: Column[], rows: Rows, reporting: string): Body =>
  format === 'csv' ? { csv: csvLines(cols, rows) } : { sheet: sheetRows(cols, rows, reporting) }

/**
 * Sends an export: rows written here, or the CSV bytes or sheet rows the engine wrote itself
 * (reconciliation/query.ts streamRecordsCsv, streamRecordsXlsx).
 */
async function send(c: Context<AppEnv>, cols: Column[], body: Body, meta: ExportMeta, name: string) {
  const csv = 'csv' in body ? await started(body.csv) : null
  const sheet = 'sheet' in body ? await started(body.sheet) : null
  await audit(c, 'export', name, meta.filters)
  const disposition = `attachment; filename="${name}"`
  if (csv) {
    c.header('Content-Type', 'text/csv; charset=utf-8')
    c.header('Content-Disposition', disposition)
    return stream(c, async (s) => {
      await s.write(csvHeader(cols))
      for await (const chunk of csv) await s.write(chunk)
    })
  }
  const out = xlsxStream(cols, sheet!, meta)
  return new Response(Readable.toWeb(out) as ReadableStream, {
    headers: { 'Content-Type': XLSX_TYPE, 'Content-Disposition': disposition },
  })
}

/** The filters as the caller sent them, in their order: the file's name and its about sheet say
 *  what was asked (the validated query has the schema's order and parsed values). */
const filtersOf = (c: Context<AppEnv>) => Object.fromEntries(Object.entries(c.req.queries()).map(([k, v]) => [k, v.join(',')]))

async function* exceptionRows(c: Context<AppEnv>, q: ExceptionQuery, now: Date, reporting: string) {
  const { sort, desc } = toSort(q.sort)
  const rows = streamRows(c.var.services.db, 'exports.exceptions', sqlFile('exceptions/list.sql'), {
    ...filterParams(toFilter(q), now),
    sort_by: sort,
    desc,
    has_cursor: false,
    cursor_key: 0,
    cursor_id: '',
    limit: 4_000_000_000,
  })
  for await (const chunk of rows)
    yield chunk.map((r) => ({
      ...r,
      first_detected_at: chToIso(r.first_detected_at as string),
      last_detected_at: chToIso(r.last_detected_at as string),
      due_at: chToIso(r.due_at as string),
      // The engine hands the flag over as 0/1; the list says true/false, and so does the file.
      overdue: Boolean(r.overdue),
      // The currency detection converted its amount to, as the list says.
      reporting_currency: r.reporting_currency ?? reporting,
    }))
}

async function exportExceptions(c: Context<AppEnv>, format: 'csv' | 'xlsx', q: ExceptionQuery) {
  const now = c.var.services.clock.now()
  const at = now.toISOString()
  const filters = filtersOf(c)
  const name = fileName('exceptions', Object.entries(filters).map(([k, v]) => `${k}_${v}`), at, format)
  const reporting = c.var.services.config.reporting_currency
  const rows = exceptionRows(c, q, now, reporting)
  return send(c, EXCEPTION_COLUMNS, written(format, EXCEPTION_COLUMNS, rows, reporting), { title: 'Exceptions', filters, asOf: at, generatedAt: at }, name)
}

async function exportReconciliation(c: Context<AppEnv>, format: 'csv' | 'xlsx', q: RecordQuery) {
  const { db, clock } = c.var.services
  const cmp = comparisonOf(q)
  const reporting = c.var.services.config.reporting_currency
  const f = recordFilter(q, clock.now(), reporting)
  const filters = { pair: cmp.pair, entity: cmp.entity, from: f.from, to: f.to, ...filtersOf(c) }
  const name = fileName('reconciliation', [cmp.pair, cmp.entity, `${f.from}_${f.to}`], f.asOf.toISOString(), format)
  const meta = { title: `${cmp.title} ${cmp.a}-${cmp.b}`, filters, asOf: f.asOf.toISOString(), generatedAt: clock.now().toISOString() }
  const source = await recordSource(db, cmp, f)
  const cols = recordColumns(cmp.a, cmp.b, source.map((s) => s.name))
  // The large comparisons are sliced, and the engine writes their CSV lines or sheet rows
  // itself: the server passes bytes on instead of parsing a million records (README "Exports").
  if (cmp.slices) {
    const body = format === 'csv' ? { csv: streamRecordsCsv(db, cmp, f, cols, source) } : { sheet: streamRecordsXlsx(db, cmp, f, cols, source) }
    return send(c, cols, body, meta, name)
  }
  // The other comparisons are small; their rows come in pages (db/stream.ts) and are written here.
  return send(c, cols, written(format, cols, streamRecords(db, cmp, f), reporting), meta, name)
}

// The handlers answer with the streamed file (a Response: the routes' 200 is not JSON).
export const exportRoutes = routes()
  .openapi(exceptionsCsv, (c) => exportExceptions(c, 'csv', c.req.valid('query')))
  .openapi(exceptionsXlsx, (c) => exportExceptions(c, 'xlsx', c.req.valid('query')))
  .openapi(reconciliationCsv, (c) => exportReconciliation(c, 'csv', c.req.valid('query')))
  .openapi(reconciliationXlsx, (c) => exportReconciliation(c, 'xlsx', c.req.valid('query')))
