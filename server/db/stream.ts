// Streaming reads for exports: rows arrive in chunks and are written out as they come, so a
// million-row export needs no more memory than a chunk.
//
// On a ClickHouse server the HTTP response streams. On the embedded engine @clickhouse/client
// buffers whole results, and chDB's own streaming read is cut short by any other query on the
// session (the server answers many requests at once). So there the query, with its parameters
// bound, first writes its rows to a scratch table on disk keyed by row number; pages of it are
// then read in order by primary-key range, and the table is dropped.
import crypto from 'node:crypto'
import type { ClickHouseSettings } from '@clickhouse/client'
import type { Db } from './client.ts'
import { queryRows, type Params } from './query.ts'

const SETTINGS = { join_use_nulls: 1 } as const
const PAGE = 20_000

/**
 * A bounded query's rows (an export slice), parsed and handed on `batch` at a time: the answer's
 * text stays one string and each batch's objects die young. Parsing a slice's whole answer at
 * once held all its rows as objects (~25 MB for 10,000 records) long enough to reach the old
 * generation, and the JS heap stayed grown after the export. Compact rows, with the names once:
 * less text than JSONEachRow, which repeats every name in every row.
 */
export async function* queryBatches(db: Db, tag: string, query: string, params: Params, settings: ClickHouseSettings, batch: number): AsyncGenerator<Record<string, unknown>[]> {
  const rs = await db.client.query({ query, query_params: params, format: 'JSONCompactEachRowWithNames', clickhouse_settings: { log_comment: tag, ...settings } })
  const text = await rs.text()
  let names: string[] | null = null
  for (let at = 0; at < text.length; ) {
    const rows: Record<string, unknown>[] = []
    while (rows.length < batch && at < text.length) {
      const nl = text.indexOf('\n', at)
      const end = nl < 0 ? text.length : nl
      if (end > at) {
        const values = JSON.parse(text.slice(at, end)) as unknown[]
        if (!names) names = values as string[]
        else {
          const row: Record<string, unknown> = {}
          for (let i = 0; i < names.length; i++) row[names[i]] = values[i]
          rows.push(row)
        }
      }
      at = end + 1
    }
    if (rows.length) yield rows
  }
}

export async function* streamRows(db: Db, tag: string, query: string, params: Params): AsyncGenerator<Record<string, unknown>[]> {
  if (!db.scratchDir) {
    const rs = await db.client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: { log_comment: tag, ...SETTINGS } })
    for await (const rows of rs.stream()) yield (rows as Array<{ json(): Record<string, unknown> }>).map((r) => r.json())
    return
  }
  const table = `scratch_export_${crypto.randomBytes(8).toString('hex')}`
  try {
    await db.client.command({
      query: `CREATE TABLE ${table} ENGINE = MergeTree ORDER BY __n AS SELECT rowNumberInAllBlocks() AS __n, * FROM (${query})`,
      query_params: params,
      clickhouse_settings: { log_comment: tag, ...SETTINGS },
    })
    for (let from = 0; ; from += PAGE) {
      const rows = await queryRows<Record<string, unknown>>(
        db,
        `${tag}.page`,
        'SELECT * EXCEPT __n FROM {table:Identifier} WHERE __n >= {from:UInt64} AND __n < {to:UInt64} ORDER BY __n',
        { table, from, to: from + PAGE },
      )
      if (rows.length === 0) break
      yield rows
      if (rows.length < PAGE) break
    }
  } finally {
    await db.client.command({ query: `DROP TABLE IF EXISTS ${table}` }).catch(() => {})
  }
}
