// Streaming reads for exports: rows arrive in chunks and are written out as they come, so a
// million-row export needs no more memory than a chunk.
//
// On a ClickHouse server the HTTP response streams. On the embedded engine @clickhouse/client
// buffers whole results, and chDB's own streaming read is cut short by any other query on the
// session (the server answers many requests at once). So there the query, with its parameters
// bound, first writes its rows to a scratch table on disk keyed by row number; pages of it are
// then read in order by primary-key range, and the table is dropped.
import crypto from 'node:crypto'
import type { Db } from './client.ts'
import { queryRows, type Params } from './query.ts'
import { sqlFile, wrapSql } from './sql-files.ts'

const SETTINGS = { join_use_nulls: 1 } as const
const PAGE = 20_000

/** `query` is the text of a sql/ file (sqlFile or a composition of them), never caller input. */
export async function* streamRows(db: Db, tag: string, query: string, params: Params): AsyncGenerator<Record<string, unknown>[]> {
  if (!db.scratchDir) {
    const rs = await db.client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: { log_comment: tag, ...SETTINGS } })
    for await (const rows of rs.stream()) yield (rows as Array<{ json(): Record<string, unknown> }>).map((r) => r.json())
    return
  }
  const table = `scratch_export_${crypto.randomBytes(8).toString('hex')}`
  try {
    await db.client.command({
      query: wrapSql('db/scratch_fill.sql', 'query', query),
      query_params: { ...params, table },
      clickhouse_settings: { log_comment: tag, ...SETTINGS },
    })
    for (let from = 0; ; from += PAGE) {
      const rows = await queryRows<Record<string, unknown>>(
        db,
        `${tag}.page`,
        sqlFile('db/scratch_page.sql'),
        { table, from, to: from + PAGE },
      )
      if (rows.length === 0) break
      yield rows
      if (rows.length < PAGE) break
    }
  } finally {
    await db.client.command({ query: sqlFile('db/scratch_drop.sql'), query_params: { table } }).catch(() => {})
  }
}
