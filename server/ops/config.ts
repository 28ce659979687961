// The config file's `backup` and `retention` sections (server/config/schema.ts includes them).
import path from 'node:path'
import { z } from 'zod'

/** `90d`, `12h`, or `keep` (never deleted). */
const duration = z
  .union([z.literal('keep'), z.string().regex(/^[1-9]\d{0,5}[dh]$/, { message: "expected a duration such as 90d or 12h, or 'keep'" })])
  .describe('a duration (90d, 12h) or keep')

export type Duration = z.output<typeof duration>

/** Milliseconds of a duration; null for `keep`. */
export function durationMs(d: Duration): number | null {
  if (d === 'keep') return null
  const n = Number(d.slice(0, -1))
  return n * (d.endsWith('d') ? 86_400_000 : 3_600_000)
}

export const RETENTION_DEFAULTS = {
  spans: '90d',
  entity_versions_months: 'keep',
  notifications: '90d',
  dead_letters: '180d',
  audit: 'keep',
  every_hours: 24,
} as const

export const retentionSchema = z
  .strictObject({
    /** Spans (otel_traces) older than this, by their start time. */
    spans: duration.default(RETENTION_DEFAULTS.spans),
    /**
     * Entity versions superseded more than this many months ago. The version current then, every
     * later one, and every version of a record an open exception is about are kept.
     */
    entity_versions_months: z
      .union([z.literal('keep'), z.number().int({ message: 'expected a whole number of months' }).min(1, { message: 'expected at least 1 month' }).max(1200)])
      .default(RETENTION_DEFAULTS.entity_versions_months),
    /** Delivered notifications older than this (none about an exception still open). */
    notifications: duration.default(RETENTION_DEFAULTS.notifications),
    /** Dead letters received longer ago than this, with their replays. */
    dead_letters: duration.default(RETENTION_DEFAULTS.dead_letters),
    /** The audit log: kept unless the firm says otherwise. */
    audit: duration.default(RETENTION_DEFAULTS.audit),
    /** Hours between retention runs; 0 turns them off (the first runs one interval after start). */
    every_hours: z.number().nonnegative().default(RETENTION_DEFAULTS.every_hours),
  })
  .default(RETENTION_DEFAULTS)

export const backupSchema = z
  .strictObject({
    /**
     * The directory backups go under, and the only place they are restored from (embedded engine).
     * Default: `backups` beside the data dir.
     */
    dir: z.string().min(1).optional(),
    /** On a ClickHouse server: the server's disk for backups (its `backups.allowed_disk`); else File(). */
    disk: z.string().regex(/^[A-Za-z0-9_]{1,64}$/, { message: 'expected a disk name such as backups' }).optional(),
  })
  .default({})

export type RetentionConfig = z.output<typeof retentionSchema>
export type BackupConfig = z.output<typeof backupSchema>

/** Where backups go on the embedded engine: `backup.dir`, else `backups` beside the data dir. */
export function backupRoot(backup: BackupConfig, dataDir: string): string {
  return backup.dir ? path.resolve(backup.dir) : path.join(path.dirname(path.resolve(dataDir)), 'backups')
}
