// Disk each part of Crosswalk's data uses, for health (sql/ops/disk_usage.sql): active parts of
// this database's tables, by group. Every group is present, 0 when empty.
import type { Db } from '../db/client.ts'
import { queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'

export const DISK_PARTS = ['entities', 'spans', 'exceptions', 'dead_letters', 'notifications', 'audit', 'other'] as const
export type DiskPart = (typeof DISK_PARTS)[number]

export type DiskUsage = Record<DiskPart, { bytes: number; rows: number }>

export async function diskUsage(db: Db): Promise<DiskUsage> {
  const rows = await queryRows<{ part: DiskPart; bytes: string; rows: string }>(db, 'ops.disk_usage', sqlFile('ops/disk_usage.sql'))
  const out = Object.fromEntries(DISK_PARTS.map((p) => [p, { bytes: 0, rows: 0 }])) as DiskUsage
  for (const r of rows) out[r.part] = { bytes: Number(r.bytes), rows: Number(r.rows) }
  return out
}
