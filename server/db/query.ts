// Every query runs through these helpers. Each carries a tag sent as ClickHouse `log_comment`,
// so a slow query in system.query_log names its caller. Values are always bound as
// {name:Type} parameters; nothing user-supplied is ever concatenated into SQL.
import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import type { ClickHouseSettings } from '@clickhouse/client'
import { AsyncLocalStorage } from 'node:async_hooks'
import PQueue from 'p-queue'
import type { Db } from './client.ts'

export type Params = Record<string, unknown>

/**
 * Admission control: at most this many reads run in the engine at once, the rest wait their
 * turn by priority. Fifty readers on two cores otherwise start fifty queries that all finish
 * late (and each holds its memory meanwhile).
 */
const admission = new PQueue({ concurrency: Math.max(1, Number(process.env.CROSSWALK_QUERY_CONCURRENCY ?? 4)) })
const priority = new AsyncLocalStorage<number>()

/** Priorities of the reads a piece of work makes: people waiting first, background work last. */
export const PRIORITY = { interactive: 0, background: -1 } as const

/** Runs `fn` with its reads queued at `p` (e.g. a scheduled detection run at background). */
export function withPriority<T>(p: number, fn: () => Promise<T>): Promise<T> {
  return priority.run(p, fn)
}

export async function queryRows<T = Record<string, unknown>>(
  db: Db,
  tag: string,
  query: string,
  params: Params = {},
  settings: ClickHouseSettings = {},
): Promise<T[]> {
  return admission.add(
    async () => {
      const rs = await db.client.query({
        query,
        query_params: params,
        format: 'JSONEachRow',
        clickhouse_settings: { log_comment: tag, ...settings },
      })
      return rs.json<T>()
    },
    { priority: priority.getStore() ?? PRIORITY.interactive, throwOnTimeout: true },
  )
}

export async function command(db: Db, tag: string, query: string, params: Params = {}, settings: ClickHouseSettings = {}): Promise<void> {
  await db.client.command({ query, query_params: params, clickhouse_settings: { log_comment: tag, ...settings } })
}

export async function insertRows(db: Db, table: string, values: readonly object[]): Promise<void> {
  if (values.length === 0) return
  await db.client.insert({ table, values: values as object[], format: 'JSONEachRow' })
}

/**
 * Bulk insert of rows already formatted as TabSeparated. On a ClickHouse server the text
 * streams over HTTP (the client takes a text stream for text formats only, not for JSON ones). On the embedded engine it is staged in a scratch file and loaded
 * with INSERT … SELECT FROM file(), which parses in parallel: several times faster than passing
 * the rows inline with the query.
 */
export async function bulkInsert(
  db: Db,
  table: string,
  columns: readonly string[],
  text: string | Buffer,
  settings: ClickHouseSettings = {},
): Promise<void> {
  if (text.length === 0) return
  if (!db.scratchDir) {
    await db.client.insert({ table, columns: columns as [string, ...string[]], values: Readable.from([text], { objectMode: false }), format: 'TabSeparated', clickhouse_settings: settings })
    return
  }
  const file = path.join(db.scratchDir, `${crypto.randomUUID()}.tsv`)
  await fs.writeFile(file, text)
  try {
    await loadFile(db, table, columns, file, 'TabSeparated', settings)
  } finally {
    await fs.rm(file, { force: true })
  }
}

/**
 * Loads a file of formatted rows on the embedded engine's disk into `table`. With an
 * insert_deduplication_token among the settings, loading the same file again is a no-op (on a
 * table that keeps a deduplication window).
 */
export async function loadFile(
  db: Db,
  table: string,
  columns: readonly string[],
  file: string,
  format: 'TabSeparated' | 'JSONEachRow',
  settings: ClickHouseSettings = {},
): Promise<void> {
  // Built here rather than in sql/: the column list is our own (a table's known columns, never
  // caller input) and ClickHouse has no parameter type for a list of identifiers.
  await db.client.command({
    query: `INSERT INTO {table:Identifier} (${columns.map((c) => `\`${c}\``).join(', ')})
            SELECT * FROM file({file:String}, {format:String}, {structure:String})`,
    query_params: { table, file, format, structure: await structureOf(db, table, columns) },
    clickhouse_settings: {
      log_comment: `insert.${table}`,
      max_threads: 1,
      input_format_parallel_parsing: 0,
      ...settings,
    },
  })
}

const structures = new WeakMap<Db, Map<string, string>>()

/** `name Type, …` of the given columns, read once per table from the table itself. */
async function structureOf(db: Db, table: string, columns: readonly string[]): Promise<string> {
  let byTable = structures.get(db)
  if (!byTable) structures.set(db, (byTable = new Map()))
  const key = `${table}:${columns.join(',')}`
  let s = byTable.get(key)
  if (!s) {
    const desc = await queryRows<{ name: string; type: string }>(db, 'insert.describe', 'DESCRIBE TABLE {table:Identifier}', { table })
    const types = new Map(desc.map((d) => [d.name, d.type]))
    s = columns.map((c) => `\`${c}\` ${types.get(c)}`).join(', ')
    byTable.set(key, s)
  }
  return s
}
