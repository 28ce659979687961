// On a ClickHouse server (CLICKHOUSE_URL) bulk rows go to the engine as an insert stream, not
// through a scratch file as on the embedded engine. There is no ClickHouse server here, so that
// path runs on the embedded engine's client with the data dir hidden: an ingest batch and a
// group of span requests must land whole, as they do through the scratch file.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../server/db/client.ts'
import { migrate } from '../server/db/migrate.ts'
import { queryRows } from '../server/db/query.ts'
import { ingestBatch } from '../server/ingest/pipeline.ts'
import { decodeJson, normalize } from '../server/traces/otlp.ts'
import { writeSpans } from '../server/traces/store.ts'
import { tempDir } from './helpers/server.ts'

describe('bulk inserts without a scratch dir (the ClickHouse server path)', () => {
  let db: Db
  let server: Db
  beforeAll(async () => {
    db = await openDb({ dataDir: tempDir() })
    await migrate(db, undefined, () => {})
    server = { ...db, scratchDir: undefined, dataDir: undefined }
  })
  afterAll(() => db.close())

  it('lands an ingest batch', async () => {
    const lines = Array.from({ length: 25 }, (_, i) => ({
      line: i + 1,
      text: JSON.stringify({ key: `TE-SP-${i}`, resource_key: 'E1', project_key: 'P1', work_date: '2026-03-02', hours: 7.5, billable: true, status: 'approved' }),
    }))
    const r = await ingestBatch(
      server,
      { system: 'kantata', kind: 'psa', entity: 'time_entry', batchId: 'server-path', mode: 'delta', observedAt: '2026-03-02 00:00:00.000', snapshotId: null, part: null, last: false, source: 'api' },
      (async function* () {
        yield lines
      })(),
    )
    expect(r).toMatchObject({ accepted: 25, rejected: 0 })
    const [n] = await queryRows<{ n: string }>(db, 't', "SELECT count() AS n FROM entity_time_entry WHERE startsWith(key, 'TE-SP-')")
    expect(Number(n.n)).toBe(25)
  })

  it('lands span requests that arrive together', async () => {
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
    await Promise.all([writeSpans(server, request(0, 3)), writeSpans(server, request(3, 4)), writeSpans(server, request(7, 5))])
    const rows = await queryRows<{ n: string; tab: string }>(db, 't', "SELECT count() AS n, any(SpanAttributes['tab']) AS tab FROM otel_traces WHERE TraceId = {t:String}", { t: traceId })
    expect(rows[0]).toEqual({ n: '12', tab: "it's\ta tab" })
  })
})
