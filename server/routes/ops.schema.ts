// The operations routes' contract: a consistent backup of everything, and its restore into a
// fresh server (server/ops/backup.ts, restore.ts; runbook in docs/operations.md).
import { createRoute } from '@hono/zod-openapi'
import { z } from '../http/schemas.ts'
import { answersAnd, errorOf, jsonBody, readsJson } from './auth.schema.ts'

const Dir = z.strictObject({
  dir: z.string().min(1).max(1024).openapi({
    description: 'The backup directory. Embedded engine: inside the backup root (`backup.dir`, default `backups` beside the data dir); a relative name goes in it. ClickHouse server: a path on its backup disk (`backup.disk`) or under its `backups.allowed_path`.',
    example: 'nightly-2026-06-30',
  }),
})

export const BackupAnswer = z
  .strictObject({
    dir: z.string(),
    engine: z.enum(['chdb', 'clickhouse']),
    created_at: z.string().openapi({ format: 'date-time' }),
    tables: z.number().int(),
    rows: z.number().int(),
    bytes: z.number().int(),
    span_segments: z.number().int().openapi({ description: 'Span-log segments not loadable now (set aside), carried with the backup.' }),
  })
  .openapi('Backup')

export const RestoreAnswer = z
  .strictObject({
    dir: z.string(),
    tables: z.number().int(),
    rows: z.number().int(),
    mismatches: z.array(z.string()).openapi({ description: 'Tables whose rows differ from the backup manifest; empty when verified.' }),
    verified: z.boolean().openapi({ description: 'Every table has the rows the backup manifest lists (embedded engine).' }),
    span_segments: z.number().int(),
    restart_required: z.literal(true).openapi({ description: 'Restart the server now: every part of it then starts from the restored data.' }),
  })
  .openapi('Restore')

const more = {
  409: errorOf('The directory is not empty (backup), the database is not fresh or the schema differs (restore), or the engine refused.'),
  415: errorOf('The body is not sent as application/json.'),
  503: errorOf('Writes did not pause in time, or storage is unavailable: retry later.'),
}

export const runBackup = createRoute({
  method: 'post',
  path: '/backup',
  summary: 'Back up everything, consistently, while the server runs',
  middleware: readsJson(),
  request: { body: jsonBody(Dir, 'Where the backup goes') },
  responses: answersAnd(BackupAnswer, 'The backup, written', more),
})

export const runRestore = createRoute({
  method: 'post',
  path: '/restore',
  summary: 'Restore a backup into this fresh server, then restart it',
  middleware: readsJson(),
  request: { body: jsonBody(Dir, 'The backup to restore') },
  responses: answersAnd(RestoreAnswer, 'The restore, done and checked', more),
})
