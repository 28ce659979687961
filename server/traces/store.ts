// Where spans go once decoded (OTLP requests and native step events alike): rows of otel_traces
// (span-row.ts), through the span log on the embedded engine or straight inserts on a server.
import path from 'node:path'
import type { Db } from '../db/client.ts'
import { bulkInsert, loadFile } from '../db/query.ts'
import { GroupCommit } from '../db/group-commit.ts'
import type { LineBuffer } from '../db/line-buffer.ts'
import type { SpanRecord } from './otlp.ts'
import { SpanLog } from './span-log.ts'
import { SPAN_COLUMNS, spanRow } from './span-row.ts'

/** Where acknowledged spans go: a write-ahead log on the embedded engine, inserts on a server. */
interface SpanSink {
  write(fill: (out: LineBuffer) => void): Promise<void>
  settle(): Promise<void>
  close(): Promise<void>
}

/**
 * On a ClickHouse server: a group commit of inserts, each request answered once its spans are
 * inserted. (Crosswalk servers in front of one cluster share no disk, so a request is only
 * acknowledged once any of them can read it.)
 */
function insertingSink(db: Db): SpanSink {
  const group = new GroupCommit((rows) => bulkInsert(db, 'otel_traces', SPAN_COLUMNS, rows))
  return { write: (fill) => group.write(fill), settle: async () => {}, close: async () => {} }
}

const sinks = new WeakMap<Db, SpanSink>()

function sinkFor(db: Db): SpanSink {
  let sink = sinks.get(db)
  if (!sink) {
    sink = db.dataDir
      ? SpanLog.open(path.join(db.dataDir, 'span-log'), (file, token) => loadFile(db, 'otel_traces', SPAN_COLUMNS, file, 'TabSeparated', { insert_deduplication_token: token }))
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

/** Loads what is logged before the engine closes. */
export async function closeSpans(db: Db): Promise<void> {
  const sink = sinks.get(db)
  sinks.delete(db)
  await sink?.close()
}
