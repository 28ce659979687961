// Every query runs through these helpers. Each carries a tag sent as ClickHouse `log_comment`,
// so a slow query in system.query_log names its caller. Values are always bound as
// {name:Type} parameters; nothing user-supplied is ever concatenated into SQL.
import type { ClickHouseSettings } from '@clickhouse/client'
import type { Db } from './client.ts'

export type Params = Record<string, unknown>

export async function queryRows<T = Record<string, unknown>>(
  db: Db,
  tag: string,
  query: string,
  params: Params = {},
  settings: ClickHouseSettings = {},
): Promise<T[]> {
  const rs = await db.client.query({
    query,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: tag, ...settings },
  })
  return rs.json<T>()
}

export async function command(db: Db, tag: string, query: string, params: Params = {}): Promise<void> {
  await db.client.command({ query, query_params: params, clickhouse_settings: { log_comment: tag } })
}

export async function insertRows(db: Db, table: string, values: readonly object[]): Promise<void> {
  if (values.length === 0) return
  await db.client.insert({ table, values: values as object[], format: 'JSONEachRow' })
}
