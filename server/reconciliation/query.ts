// Reconciliation reads: the match matrix, breakdowns, the record-level list, and a streamed
// cursor over every record for exports.
import type { Db } from '../db/client.ts'
import { queryRows } from '../db/query.ts'
import { csvLineExpression, type SourceColumn } from '../exports/fast-csv-sql.ts'
import { xlsxRowExpression } from '../exports/fast-xlsx-sql.ts'
import { SHEET_ROWS } from '../exports/xlsx-cells.ts'
import { rowsIn, type SheetChunk } from '../exports/xlsx.ts'
import type { Column } from '../exports/columns.ts'
import { streamRows } from '../db/stream.ts'
import { sqlFile } from '../db/sql-files.ts'
import { addDecimals } from '../lib/decimal.ts'
import { toChDateTime } from '../lib/time.ts'
import { comparisonFile, type Comparison } from './catalog.ts'
import { derivedFile, sqlAsOf, type PathOptions } from '../derived/index.ts'
import type { RuleName } from '../rules/catalog.ts'

export interface RecordFilter extends PathOptions {
  asOf: Date
  from: string
  to: string
  status?: string[]
  practice?: string
  project?: string
  q?: string
  /** The currency amounts are also given in (config reporting_currency; default USD). */
  reporting?: string
}

/**
 * A wrapper file with one comparison's SQL inlined: both are files of ours, never input. The
 * comparison is its derived variant when the derived tables hold the answer as of `asOf`.
 */
async function compose(db: Db, wrapper: string, c: Comparison, f: RecordFilter): Promise<string> {
  const comparison = await sqlAsOf(db, comparisonFile(c).replace(/\.sql$/, ''), f.asOf, f)
  return sqlFile(`reconciliation/${wrapper}`).replaceAll('{{comparison}}', () => comparison.replace(/;\s*$/, ''))
}

const inner = (sql: string) => sql.replace(/;\s*$/, '')

const params = (f: RecordFilter) => ({
  as_of: toChDateTime(f.asOf),
  from: f.from,
  to: f.to,
  status: f.status ?? [],
  practice: f.practice ?? '',
  project: f.project ?? '',
  q: f.q ?? '',
  reporting: f.reporting ?? 'USD',
  // The whole key range; only an export narrows it (rawSlices).
  key_after: '',
  key_upto: '',
})

/** Version rows (of side A) per slice of a summary: few enough slices that it costs about what
 *  one query over the whole comparison does, and the engine never holds more than a slice. */
const SUMMARY_SLICE_KEYS = 100_000
const COUNTS = ['records', 'matched', 'only_a', 'only_b', 'differing', 'only_a_breaking', 'breaking', 'fx_num', 'fx_den'] as const
const AMOUNTS = ['total_a', 'total_b', 'total_diff'] as const

/**
 * Match counts and amounts (in the reporting currency), in total or by group. A sliceable
 * comparison is summed slice by slice and the parts added here (counts, and amounts exactly):
 * one query over a million-record comparison holds both sides' winners and their join in the
 * engine, ~+500 MB on the embedded engine where that memory is the server's.
 */
export async function summarize(db: Db, c: Comparison, f: RecordFilter, by: '' | 'period' | 'practice' | 'project', sliceKeys = SUMMARY_SLICE_KEYS) {
  const derived = await derivedFile(db, `${comparisonFile(c).replace(/\.sql$/, '')}.summary`, f.asOf, f)
  const sql = derived ? sqlFile(derived) : await compose(db, '_summary.sql', c, f)
  const groups = new Map<string, Record<string, string>>()
  // The derived matrix is small: one query, no slices.
  for await (const range of derived ? [{ key_after: '', key_upto: '' }] : keyRanges(db, c, sliceKeys)) {
    const rows = await queryRows<Record<string, string>>(db, `reconciliation.summary.${c.pair}.${c.entity}`, sql, { ...params(f), ...range, by }, { join_use_nulls: 1 })
    for (const r of rows) {
      const acc = groups.get(r.grp)
      if (!acc) {
        groups.set(r.grp, r)
        continue
      }
      for (const k of COUNTS) acc[k] = String(Number(acc[k]) + Number(r[k]))
      for (const k of AMOUNTS) acc[k] = addDecimals(acc[k], r[k])
    }
  }
  // In ClickHouse's order of the group text (bytes), as one query would have answered.
  const rows = [...groups.values()].sort((a, b) => Buffer.compare(Buffer.from(a.grp), Buffer.from(b.grp)))
  return rows.map((r) => {
    const records = Number(r.records)
    return {
      group: r.grp,
      records,
      matched: Number(r.matched),
      only_a: Number(r.only_a),
      only_b: Number(r.only_b),
      differing: Number(r.differing),
      /** Records that break a reconciliation rule (e.g. approved PSA time missing in the ERP). */
      breaking: Number(r.breaking),
      only_a_breaking: Number(r.only_a_breaking),
      match_rate: records ? Number(r.matched) / records : 1,
      amount_a: r.total_a,
      amount_b: r.total_b,
      amount_diff: r.total_diff,
      /** Of the records, the share whose amounts converted to the reporting currency (CONTRACT §5). */
      fx_coverage: Number(r.fx_den) ? Number(r.fx_num) / Number(r.fx_den) : 1,
    }
  })
}

/**
 * A record of a comparison (_records.sql): the columns every comparison has, then each side's
 * values as a_* and b_*. Decimals and 64-bit integers come as text (db/client.ts).
 */
export interface RecordRow {
  record_key: string
  status: 'matched' | 'differing' | 'only_a' | 'only_b'
  /** The rule the record breaks, '' for none. */
  rule: RuleName | ''
  period: string | null
  practice: string | null
  project_key: string | null
  currency: string | null
  amount_a: string | null
  amount_b: string | null
  amount_diff: string | null
  /** The amounts in the reporting currency (_records.sql); null when the currency has no rate. */
  amount_a_reporting: string | null
  amount_b_reporting: string | null
  amount_diff_reporting: string | null
  reporting_currency: string
  [column: string]: unknown
}

export async function records(db: Db, c: Comparison, f: RecordFilter, limit: number, after: string) {
  return queryRows<RecordRow>(db, `reconciliation.records.${c.pair}.${c.entity}`, await compose(db, '_records.sql', c, f), {
    ...params(f),
    after,
    limit,
  }, { join_use_nulls: 1 })
}

const ALL = '18446744073709551615'
/** Version rows (of side A) per slice of an export: a few thousand records in memory at a time. */
const SLICE_KEYS = 10_000

/** XLSX rows are ~8x the bytes of CSV lines (tags, cell references), so its slices are smaller:
 *  a 1M-record export grew the server +92 MB at 2,500 keys, +139 MB at 5,000, ~+200 MB at 10,000. */
const XLSX_SLICE_KEYS = 2_500

const SLICE_SETTINGS = {
  join_use_nulls: 1,
  // One thread: a slice is a few thousand rows, and starting the engine's read threads for
  // each of a hundred slices cost more than they saved (an export ~15% faster this way).
  max_threads: 1,
  // No JIT: a slice's expressions run over a few thousand rows, and the compiled code and the
  // compiler's own allocations stayed in the server (~35 MB over a 1M-row export).
  compile_expressions: 0,
  compile_aggregate_expressions: 0,
  compile_sort_description: 0,
} as const

/**
 * Every record of a comparison that is not sliced (the small ones), streamed for an export in
 * pages (db/stream.ts). The sliced comparisons export through streamRecordsCsv / Xlsx below.
 */
export async function* streamRecords(db: Db, c: Comparison, f: RecordFilter): AsyncGenerator<Record<string, unknown>[]> {
  yield* streamRows(db, `reconciliation.export.${c.pair}.${c.entity}`, await compose(db, '_records.sql', c, f), { ...params(f), after: '', limit: ALL })
}

/**
 * A sliceable comparison's records as rows, one key-range slice at a time: the plain path that
 * streamRecordsCsv / Xlsx replace (test/bench/fast-export.ts races them).
 */
export async function* streamRecordSlices(db: Db, c: Comparison, f: RecordFilter, sliceKeys = SLICE_KEYS): AsyncGenerator<Record<string, unknown>[]> {
  const sql = await compose(db, '_records.sql', c, f)
  for await (const range of keyRanges(db, c, sliceKeys))
    yield await queryRows(db, `reconciliation.export.${c.pair}.${c.entity}.rows`, sql, { ...params(f), ...range, after: '', limit: ALL }, SLICE_SETTINGS)
}

/** The columns of a comparison's record list, names and engine types, as the engine plans them. */
export async function recordSource(db: Db, c: Comparison, f: RecordFilter): Promise<SourceColumn[]> {
  // DESCRIBE plans the query without running it: even a LIMIT 0 would build the comparison's joins.
  const rs = await db.client.query({
    query: `DESCRIBE (${inner(await compose(db, '_records.sql', c, f))})`,
    query_params: { ...params(f), after: '', limit: 0 },
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: `reconciliation.columns.${c.pair}.${c.entity}`, join_use_nulls: 1 },
  })
  return (await rs.json<{ name: string; type: string }>()).map(({ name, type }) => ({ name, type }))
}

/** A wrapper of _records.sql whose placeholders are expressions of ours (exports/fast-*-sql.ts). */
async function wrap(db: Db, file: string, c: Comparison, f: RecordFilter, parts: Record<string, string>): Promise<string> {
  const records = inner(await compose(db, '_records.sql', c, f))
  let sql = sqlFile(`reconciliation/${file}`).replace('{{records}}', () => records)
  for (const [k, v] of Object.entries(parts)) sql = sql.replace(`{{${k}}}`, () => v)
  return `${inner(sql)}\nFORMAT RawBLOB`
}

/** One slice's answer, as the engine wrote it. */
async function* rawSlices(db: Db, c: Comparison, f: RecordFilter, query: string, tag: string, sliceKeys: number, extra: () => Record<string, unknown> = () => ({})) {
  for await (const range of keyRanges(db, c, sliceKeys)) {
    const r = await db.client.exec({
      query,
      query_params: { ...params(f), ...range, after: '', limit: ALL, ...extra() },
      clickhouse_settings: { log_comment: `reconciliation.export.${c.pair}.${c.entity}.${tag}`, ...SLICE_SETTINGS },
    })
    const chunks: Uint8Array[] = []
    for await (const chunk of r.stream as AsyncIterable<Uint8Array>) chunks.push(chunk)
    yield chunks
  }
}

/**
 * A sliceable comparison's records as CSV lines made by the engine (exports/fast-csv-sql.ts), one
 * key-range slice at a time: the bytes of each slice's answer are handed on as they are.
 */
export async function* streamRecordsCsv(db: Db, c: Comparison, f: RecordFilter, columns: Column[], source: SourceColumn[], sliceKeys = SLICE_KEYS): AsyncGenerator<Uint8Array> {
  const { texts, line } = csvLineExpression(columns, source)
  for await (const chunks of rawSlices(db, c, f, await wrap(db, '_records_csv.sql', c, f, { texts, line }), 'csv', sliceKeys)) yield* chunks
}

/** The same for the rows of an XLSX export (exports/fast-xlsx-sql.ts), numbered within sheets of `sheetRows`. */
export async function* streamRecordsXlsx(db: Db, c: Comparison, f: RecordFilter, columns: Column[], source: SourceColumn[], sliceKeys = XLSX_SLICE_KEYS, sheetRows = SHEET_ROWS): AsyncGenerator<SheetChunk> {
  const { texts, row, currencies } = xlsxRowExpression(columns, source)
  let done = 0
  const query = await wrap(db, '_records_xlsx.sql', c, f, { texts, row })
  for await (const chunks of rawSlices(db, c, f, query, 'xlsx', sliceKeys, () => ({ row_base: done, sheet_rows: sheetRows, currencies }))) {
    const xml = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
    const rows = rowsIn(xml)
    done += rows
    if (rows) yield { xml, rows }
  }
}

/** The key ranges (key_after, key_upto] that cover a comparison in key order: its whole range
 *  when it cannot be sliced, else slices of about `sliceKeys` version rows of side A. */
async function* keyRanges(db: Db, c: Comparison, sliceKeys: number): AsyncGenerator<{ key_after: string; key_upto: string }> {
  if (!c.slices) {
    yield { key_after: '', key_upto: '' }
    return
  }
  for (let after = ''; ; ) {
    const upto = await sliceEnd(db, c.slices, after, sliceKeys)
    yield { key_after: after, key_upto: upto }
    if (upto === '') return
    after = upto
  }
}

/** The last key of the slice after `after`, or '' when the rest fits in one slice. */
async function sliceEnd(db: Db, s: NonNullable<Comparison['slices']>, after: string, n: number): Promise<string> {
  const [row] = await queryRows<{ key: string }>(
    db,
    'reconciliation.export.slice_end',
    sqlFile('reconciliation/_slice_end.sql'),
    { table: s.table, kind: s.kind, after, n },
  )
  return row?.key ?? ''
}
