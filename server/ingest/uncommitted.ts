// Rows of batches that never committed. A batch writes its rows first and commits last (its row
// in `batches`); a crash or a failed request in between leaves rows nobody will ever see. They
// are deleted at start and every hour, never those of a batch that may still commit:
//
// - a batch open in this process is in `openBatches` from before its received_at is taken until
//   its commit ends, so a batch that is not there and was received before the cleanup began has
//   ended (failed) or belongs to a process that is gone;
// - on the embedded engine this process is the only writer (the data dir is locked), so that is
//   all it takes;
// - with CLICKHOUSE_URL other servers write too, and their open batches are unknown here. No
//   batch commits once it is older than COMMIT_HORIZON_MS (the pipeline refuses: 503, resend),
//   so rows received before that horizon (and an hour for clocks that differ) are safe to drop.
import type { Db } from '../db/client.ts'
import { command, queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import { arrivalMicros, microsToCh } from '../lib/time.ts'
import { ENTITY_NAMES } from '../model/entities.ts'
import { redactMessage } from './redact.ts'

export const COMMIT_HORIZON_MS = 6 * 3600_000
const CLOCK_SKEW_MS = 3600_000
const EVERY_MS = 3600_000

/** Uids of the batches this process has open (writing or committing). */
export const openBatches = new Set<string>()

export interface Cutoffs {
  /** Rows received before this (ClickHouse UTC text) may go… */
  before: string
  /** …unless their batch is one of these. */
  keep: string[]
  /** Dead letters of events batches (written outside this pipeline): only before this. */
  eventsBefore: string
}

/** The cutoffs for a cleanup starting now (see the file's comment); `now` is injectable for tests. */
export function cutoffsNow(db: Db, now: bigint = arrivalMicros()): Cutoffs {
  // Taken before the open batches (a default argument runs first): a batch opened after has a
  // later received_at.
  const horizon = microsToCh(now - BigInt(COMMIT_HORIZON_MS + CLOCK_SKEW_MS) * 1000n)
  const keep = [...openBatches]
  return { before: db.engine === 'clickhouse' ? horizon : microsToCh(now), keep, eventsBefore: horizon }
}

/** Deletes the rows and dead letters of uncommitted batches; returns how many batches had some. */
export async function cleanUncommitted(db: Db, c: Cutoffs): Promise<number> {
  const found = new Set<string>()
  const drop = async (table: string, uids: string[]) => {
    if (!uids.length) return
    await command(db, 'ingest.delete_uncommitted', sqlFile('ingest/delete_uncommitted.sql'), { table, uids })
    for (const u of uids) found.add(u)
  }
  for (const entity of ENTITY_NAMES) {
    const table = `entity_${entity}`
    const rows = await queryRows<{ batch_uid: string }>(db, 'ingest.uncommitted_rows', sqlFile('ingest/uncommitted_rows.sql'), {
      table,
      before: c.before,
      keep: c.keep,
    })
    await drop(table, rows.map((r) => r.batch_uid))
  }
  const dead = await queryRows<{ batch_uid: string }>(db, 'ingest.uncommitted_dead_letters', sqlFile('ingest/uncommitted_dead_letters.sql'), {
    before: c.before,
    keep: c.keep,
    events_before: c.eventsBefore,
  })
  await drop('dead_letters', dead.map((r) => r.batch_uid))
  return found.size
}

/** Cleans at start (in the background) and every hour; stop() waits for a run in progress. */
export function startUncommittedCleanup(db: Db, log: (line: string) => void): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve()
  let stopped = false
  const run = () => {
    if (stopped) return
    running = running
      .then(() => cleanUncommitted(db, cutoffsNow(db)))
      .then((n) => void (n && log(`removed the rows of ${n} batches that never committed`)))
      .catch((e) => log(`cleaning up uncommitted batches failed (tried again in an hour): ${redactMessage(String((e as Error)?.message ?? e))}`))
  }
  run()
  const timer = setInterval(run, EVERY_MS)
  timer.unref()
  return {
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}
