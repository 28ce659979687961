// The two bulk writes every storage path must land whole: an ingest batch, and span requests
// that arrive together. Shared by the tests of the HTTP (ClickHouse server) and insert-stream paths.
import crypto from 'node:crypto'
import { expect } from 'vitest'
import type { Db } from '../../server/db/client.ts'
import { queryRows } from '../../server/db/query.ts'
import { ingestBatch } from '../../server/ingest/pipeline.ts'
import { decodeJson, normalize } from '../../server/traces/otlp.ts'
import { writeSpans } from '../../server/traces/store.ts'

/** 25 time entries keyed `${prefix}<i>` through the pipeline on `write`, counted on `read`. */
export async function expectBatchLands(write: Db, read: Db, prefix: string, batchId: string) {
  const lines = Array.from({ length: 25 }, (_, i) => ({
    line: i + 1,
    text: JSON.stringify({ key: `${prefix}${i}`, resource_key: 'E1', project_key: 'P1', work_date: '2026-03-02', hours: 7.5, billable: true, status: 'approved' }),
  }))
  const r = await ingestBatch(
    write,
    { system: 'kantata', kind: 'psa', entity: 'time_entry', batchId, mode: 'delta', observedAt: '2026-03-02 00:00:00.000', snapshotId: null, part: null, last: false, source: 'api' },
    (async function* () {
      yield lines
    })(),
  )
  expect(r).toMatchObject({ accepted: 25, rejected: 0 })
  const [n] = await queryRows<{ n: string }>(read, 'test.count', 'SELECT count() AS n FROM entity_time_entry WHERE startsWith(key, {p:String})', { p: prefix })
  expect(Number(n.n)).toBe(25)
}

/** Three span requests written at once on `write`: all 12 spans, with a tab intact, on `read`. */
export async function expectSpansLand(write: Db, read: Db) {
  const traceId = crypto.randomBytes(16).toString('hex')
  const request = (from: number, n: number) =>
    normalize(
      decodeJson(
        Buffer.from(
          JSON.stringify({
            resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'boomi' } }] }, scopeSpans: [{ spans: Array.from({ length: n }, (_, i) => ({
              traceId, spanId: crypto.randomBytes(8).toString('hex'), name: `step ${from + i}`, startTimeUnixNano: '1800000000000000000',
              attributes: [{ key: 'tab', value: { stringValue: "it's\ta tab" } }],
            })) }] }],
          }),
        ),
      ),
    ).spans
  await Promise.all([writeSpans(write, request(0, 3)), writeSpans(write, request(3, 4)), writeSpans(write, request(7, 5))])
  const rows = await queryRows<{ n: string; tab: string }>(read, 'test.spans', "SELECT count() AS n, any(SpanAttributes['tab']) AS tab FROM otel_traces WHERE TraceId = {t:String}", { t: traceId })
  expect(rows[0]).toEqual({ n: '12', tab: "it's\ta tab" })
}
