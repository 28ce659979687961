// Where spans go once decoded (OTLP requests and native step events alike): rows of otel_traces
// (span-row.ts), through the span log on the embedded engine or straight inserts on a server.
import path from 'node:path'
import type { Db } from '../db/client.ts'
import { bulkInsert, loadFile } from '../db/query.ts'
import { GroupCommit } from '../db/group-commit.ts'
import type { LineBuffer } from '../db/line-buffer.ts'
import type { SpanRecord } from './otlp.ts'
import { SpanLog, type SpanLogState } from './span-log.ts'
import { SPAN_COLUMNS, spanRow } from './span-row.ts'
import { PARTITIONS_PER_LOAD, piecesOf, rowsOf, tooManyPartitions } from './span-split.ts'
import { logOf, redactMessage } from '../observability/log.ts'

/** Where acknowledged spans go: a write-ahead log on the embedded engine, inserts on a server. */
interface SpanSink {
  write(fill: (out: LineBuffer) => void): Promise<void>
  settle(): Promise<void>
  close(): Promise<void>
}

/**
 * On a ClickHouse server: a group commit of inserts, each request answered once its spans are
 * inserted. Nothing acknowledged is on this process's disk: there is no log here (db.dataDir is
 * unset on a server), and an insert returns only once the server has written (and, with the
 * table's fsync_after_insert, synced) its parts, so any Crosswalk server in front of the same
 * database reads the spans at once and losing this one loses nothing. A failed insert answers
 * 503 and the sender sends again: at worst (an insert of several days that failed part way,
 * then resent in another group) a span twice, never one lost.
 */
function insertingSink(db: Db): SpanSink {
  const group = new GroupCommit((rows) => insertSpans(db, rows))
  return { write: (fill) => group.write(fill), settle: async () => {}, close: async () => {} }
}

/** Inserts rows, cut by day when they touch more days than one insert may (a backfill). */
async function insertSpans(db: Db, rows: Buffer): Promise<void> {
  try {
    await bulkInsert(db, 'otel_traces', SPAN_COLUMNS, rows, { max_partitions_per_insert_block: String(PARTITIONS_PER_LOAD) })
  } catch (e) {
    const pieces = tooManyPartitions(e) ? piecesOf(rowsOf(rows), e, PARTITIONS_PER_LOAD) : null
    if (!pieces) throw e
    for (const piece of pieces) await insertSpans(db, Buffer.concat(piece))
  }
}

const sinks = new WeakMap<Db, SpanSink>()

function sinkFor(db: Db): SpanSink {
  let sink = sinks.get(db)
  if (!sink) {
    sink = db.dataDir
      ? SpanLog.open(path.join(db.dataDir, 'span-log'), (file, token) =>
          loadFile(db, 'otel_traces', SPAN_COLUMNS, file, 'TabSeparated', { insert_deduplication_token: token, max_partitions_per_insert_block: String(PARTITIONS_PER_LOAD) }), {}, (l) => logOf(db).warn(redactMessage(l)))
      : insertingSink(db)
    sinks.set(db, sink)
  }
  return sink
}

/** Opens the span store at start: spans a previous process logged but did not load, load now. */
export function openSpans(db: Db): void {
  sinkFor(db)
}

/** Writes spans (OTLP requests and native step events alike); resolves once they are durable. */
export function writeSpans(db: Db, spans: SpanRecord[]): Promise<void> {
  if (spans.length === 0) return Promise.resolve()
  return sinkFor(db).write((out) => {
    for (const s of spans) out.push(spanRow(s))
  })
}

/** Every read of otel_traces waits for this: what was acknowledged is then in the table. */
export function settleSpans(db: Db): Promise<void> {
  return sinks.get(db)?.settle() ?? Promise.resolve()
}

/** The span log's backlog (null on a ClickHouse server, which has none). */
export function spanLogStatus(db: Db): { pending: number; failing: number; setAside: number } | null {
  const sink = sinks.get(db)
  return sink instanceof SpanLog ? sink.status() : null
}

/** The span log's backlog in segments and bytes, and segments failing (null on a ClickHouse server). */
export function spanLogBacklog(db: Db): { segments: number; bytes: number; failing: number } | null {
  const sink = sinks.get(db)
  if (!(sink instanceof SpanLog)) return null
  const s = sink.status()
  return { segments: s.pending, bytes: sink.pendingBytes(), failing: s.failing }
}

/**
 * The span log's state for health (null on a ClickHouse server, which has no log): segments
 * waiting, rows set aside because the engine refused them (with why), the last load error.
 * Health is degraded while anything is set aside: acknowledged spans are not in otel_traces.
 */
export function spanLogState(db: Db): SpanLogState | null {
  const sink = sinks.get(db)
  return sink instanceof SpanLog ? sink.state() : null
}

/** Loads what is logged before the engine closes. */
export async function closeSpans(db: Db): Promise<void> {
  const sink = sinks.get(db)
  sinks.delete(db)
  await sink?.close()
}
