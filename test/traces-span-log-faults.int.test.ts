// Spans the engine would refuse (issue 18): a backfill over more days than one insert may touch
// lands whole, on both storage paths; a time past 2262 is rejected with its span at the door
// (OTLP partial success, an NDJSON line error) and the good spans land; and in the span log, a
// segment the engine refuses is cut until only the refused rows are left, set aside with why,
// visible in spanLogState() and never loaded twice.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../server/db/client.ts'
import { loadFile, queryRows } from '../server/db/query.ts'
import { migrate } from '../server/db/migrate.ts'
import { decodeJson, normalize, type SpanRecord } from '../server/traces/otlp.ts'
import { SpanLog } from '../server/traces/span-log.ts'
import { SPAN_COLUMNS, spanRow } from '../server/traces/span-row.ts'
import { spanLogState } from '../server/traces/store.ts'
import { useServer } from './helpers/fixture.ts'
import { pollUntil } from './helpers/wait.ts'
import { api, ingest, ndjson, serverPath, serverStorage, startServer, tempDir } from './helpers/server.ts'

const proto = createRequire(import.meta.url)('otlp-proto-definitions/build/src/generated/root.js').opentelemetry.proto.collector.trace.v1
const str = (v: string) => ({ stringValue: v })
const DAY = 86_400_000_000_000n
const T0 = 1_700_000_000n * 1_000_000_000n // 2023-11-14T22:13:20Z in ns

/** One root span (a transaction of its own) of workflow `tag`, starting at `startNs`. */
function span(tag: string, i: number, startNs: bigint | string | number) {
  return {
    traceId: crypto.randomBytes(16).toString('hex'), spanId: crypto.randomBytes(8).toString('hex'), name: `step ${i}`, kind: 1,
    startTimeUnixNano: typeof startNs === 'bigint' ? String(startNs) : startNs,
    endTimeUnixNano: typeof startNs === 'bigint' ? String(startNs + 1_000_000n) : undefined,
    attributes: [{ key: 'crosswalk.workflow', value: str(tag) }, { key: 'crosswalk.entity.type', value: str('project') }, { key: 'crosswalk.entity.key', value: str(`${tag}-${i}`) }],
  }
}
const request = (spans: object[]) => ({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: str('boomi') }] }, scopeSpans: [{ scope: { name: 't' }, spans }] }] })
/** `n` spans, span i on day i after `from`. */
const daily = (tag: string, n: number, from = T0) => Array.from({ length: n }, (_, i) => span(tag, i, from + BigInt(i) * DAY))

describe('spans the engine would refuse, through the server', () => {
  const server = useServer()
  const post = (body: object) => api(server.url, '/v1/traces', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
  const transactions = async (workflow: string) => {
    const r = await api(server.url, `/api/v1/transactions?workflow=${workflow}&limit=1000`)
    expect(r.status).toBe(200)
    return r.body.items as Array<{ entity_key: string; spans: number }>
  }

  it('lands a request of 101 spans on 101 days, and a normal request sent with it', async () => {
    const [backfill, normal] = await Promise.all([post(request(daily('bf101', 101))), post(request(Array.from({ length: 50 }, (_, i) => span('bf-normal', i, T0 + BigInt(i)))))])
    expect([backfill.status, normal.status]).toEqual([200, 200])
    expect(backfill.body).toEqual({})
    // The normal request shared the backfill's segment: it lands too.
    expect((await transactions('bf-normal')).length).toBe(50)
    expect((await transactions('bf101')).length).toBe(101)
  })

  it('lands two 60-day requests sent together', async () => {
    const sent = await Promise.all([post(request(daily('bf60a', 60))), post(request(daily('bf60b', 60, T0 + 200n * DAY)))])
    expect(sent.map((r) => r.status)).toEqual([200, 200])
    expect((await transactions('bf60a')).length).toBe(60)
    expect((await transactions('bf60b')).length).toBe(60)
  })

  it('lands NDJSON step events over 150 days', async () => {
    const events = Array.from({ length: 150 }, (_, i) => ({
      transaction_id: `bf-ev-${i}`, workflow: 'bf_events', step: 'post', entity_type: 'project', entity_key: `EV-${i}`, status: 'ok',
      started_at: new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString(),
    }))
    const r = await ingest(server.url, 'netsuite', 'events', ndjson(events), 'batch=bf-ev')
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ accepted: 150, rejected: 0 })
    expect((await transactions('bf_events')).length).toBe(150)
  })

  it('rejects a span past 2262 (OTLP/JSON) with its reason, and keeps the good spans of the request', async () => {
    const spans = [span('late', 0, T0), span('late', 1, '9300000000000000000'), span('late', 2, 1e30), span('late', 3, T0 + 1n)]
    spans[3].endTimeUnixNano = '9223372036854775808' // one past the latest
    const r = await post(request(spans))
    expect(r.status).toBe(200)
    expect(r.body.partialSuccess.rejectedSpans).toBe('3')
    expect(r.body.partialSuccess.errorMessage).toMatch(/spans\[1\]: startTimeUnixNano 9300000000000000000 is after 2262-04-11T23:47:16\.854775807Z/)
    expect(r.body.partialSuccess.errorMessage).toMatch(/spans\[2\]: startTimeUnixNano \d+ is after 2262/)
    expect(r.body.partialSuccess.errorMessage).toMatch(/spans\[3\]: endTimeUnixNano 9223372036854775808 is after 2262/)
    expect((await transactions('late')).map((t) => t.entity_key)).toEqual(['late-0'])
    // Nothing poisoned: a request after it lands too.
    expect((await post(request([span('after-late', 0, T0)]))).status).toBe(200)
    expect((await transactions('after-late')).length).toBe(1)
  })

  it('rejects a span past 2262 in OTLP protobuf the same way', async () => {
    const id = (n: number) => crypto.randomBytes(n)
    const bad = { traceId: id(16), spanId: id(8), name: 'late', startTimeUnixNano: '9300000000000000000', endTimeUnixNano: '9300000000000000001' }
    const good = { traceId: id(16), spanId: id(8), name: 'ok', startTimeUnixNano: String(T0), attributes: [{ key: 'crosswalk.workflow', value: str('late_pb') }] }
    const body = proto.ExportTraceServiceRequest.encode(proto.ExportTraceServiceRequest.fromObject(request([bad, good]))).finish()
    const res = await fetch(`${server.url}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf', authorization: 'Bearer test-admin-token' } })
    expect(res.status).toBe(200)
    const answer = proto.ExportTraceServiceResponse.decode(Buffer.from(await res.arrayBuffer()))
    expect(Number(answer.partialSuccess.rejectedSpans)).toBe(1)
    expect(answer.partialSuccess.errorMessage).toMatch(/startTimeUnixNano 9300000000000000000 is after 2262/)
    expect((await transactions('late_pb')).length).toBe(1)
  })

  it('rejects a step event outside a span time range, naming the field, and keeps the good lines', async () => {
    const ok = { transaction_id: 'late-ev-ok', workflow: 'late_events', step: 's', entity_type: 'project', entity_key: 'LE-1', status: 'ok', started_at: '2026-03-01T10:00:00Z' }
    const lines = [ok, { ...ok, transaction_id: 'late-ev-1', started_at: '9999-12-31T23:59:59Z' }, { ...ok, transaction_id: 'late-ev-2', ended_at: '2262-04-12T00:00:00Z' }, { ...ok, transaction_id: 'late-ev-3', started_at: '1969-12-31T23:59:59Z' }]
    const r = await ingest(server.url, 'netsuite', 'events', ndjson(lines), 'batch=late-ev')
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ accepted: 1, rejected: 3 })
    expect(r.body.errors.map((e: { line: number; field: string }) => [e.line, e.field])).toEqual([[2, 'started_at'], [3, 'ended_at'], [4, 'started_at']])
    expect(r.body.errors[0].message).toMatch(/between 1970-01-01T00:00:00Z and 2262-04-11T23:47:16\.854775807Z/)
    expect((await transactions('late_events')).length).toBe(1)
  })

  it('has nothing set aside after all that', async () => {
    if (serverPath) {
      // No log on a server: each request was answered once its spans were inserted there.
      expect(spanLogState(server.db)).toBeNull()
      expect(fs.existsSync(path.join(server.dataDir, 'span-log'))).toBe(false)
    } else expect(spanLogState(server.db)).toMatchObject({ pending: 0, failing: 0, setAside: [] })
  })
})

describe.runIf(serverPath)('spans on a ClickHouse server shared by two Crosswalk servers', () => {
  const a = useServer()
  it('are readable through the other server as soon as one answers, with nothing on its local disk', async () => {
    const b = await startServer({ clickhouse: await serverStorage(a.dataDir) })
    try {
      const sent = await api(a.url, '/v1/traces', { method: 'POST', body: JSON.stringify(request(daily('shared', 3))), headers: { 'content-type': 'application/json' } })
      expect(sent.status).toBe(200)
      // No settle, no log: B reads what A acknowledged straight from the shared database.
      const r = await api(b.url, '/api/v1/transactions?workflow=shared')
      expect(r.body.items).toHaveLength(3)
      expect(fs.existsSync(path.join(a.dataDir, 'span-log'))).toBe(false)
    } finally {
      await b.close()
    }
  })
})

describe.skipIf(serverPath)('a span log segment the engine refuses', () => {
  let db: Db
  let root: string
  let n = 0
  const countOf = async (tag: string) =>
    Number((await queryRows<{ n: string }>(db, 't', "SELECT count() AS n FROM otel_traces WHERE SpanAttributes['crosswalk.workflow'] = {w:String}", { w: tag }))[0].n)
  const records = (spans: object[]): SpanRecord[] => normalize(decodeJson(Buffer.from(JSON.stringify(request(spans))))).spans
  const rowsOf = (spans: object[]) => records(spans).map(spanRow)
  /** A fresh log dir and a loader that counts its loads; `settings` go to each load. */
  const fresh = (settings: Record<string, string> = {}) => {
    const dir = path.join(root, `log-${n++}`)
    const loads: string[] = []
    const load = async (file: string, token: string) => {
      loads.push(path.basename(file))
      await loadFile(db, 'otel_traces', SPAN_COLUMNS, file, 'TabSeparated', { insert_deduplication_token: token, ...settings })
    }
    return { dir, loads, load }
  }
  const tsvs = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.tsv'))

  beforeAll(async () => {
    root = tempDir()
    db = await openDb({ dataDir: root })
    await migrate(db, undefined, () => {})
  })
  afterAll(async () => {
    await db.close()
  })

  it('cuts a segment with bad rows until every good row has landed once and only the bad rows are set aside, with why', async () => {
    const { dir, load } = fresh()
    fs.mkdirSync(dir, { recursive: true })
    const good = rowsOf(Array.from({ length: 40 }, (_, i) => span('cut-good', i, T0 + BigInt(i))))
    // As the span log of an earlier version wrote it: a time past 2262, and a row of garbage.
    const late = rowsOf([span('cut-bad', 0, T0)])[0].replace(/^\S+ \S+/, '2264-09-14 12:00:00.000000000')
    const segment = [...good.slice(0, 17), late, ...good.slice(17, 31), 'not a row\tof otel_traces', ...good.slice(31)]
    fs.writeFileSync(path.join(dir, '0000000000000-old-00000000.tsv'), segment.join('\n') + '\n')
    const logged: string[] = []
    const log = SpanLog.open(dir, load, { maxAgeMs: 60_000, backoffMs: [1, 2] }, (l) => logged.push(l))
    await log.settle()
    await pollUntil(() => log.status().pending === 0 && tsvs(dir).length === 0)
    expect(await countOf('cut-good')).toBe(40)
    expect(await countOf('cut-bad')).toBe(0)
    const state = log.state()
    expect(state.pending).toBe(0)
    expect(state.setAside.map((a) => a.rows)).toEqual([1, 1])
    expect(state.setAside.map((a) => a.reason).sort().join('\n')).toMatch(/Cannot read DateTime[^]*Decimal math overflow|Decimal math overflow[^]*Cannot read DateTime/)
    expect(state.lastError?.message).toMatch(/Cannot read DateTime|Decimal math overflow/)
    const aside = fs.readdirSync(path.join(dir, 'failed')).sort()
    expect(aside).toHaveLength(2)
    expect(aside.map((f) => fs.readFileSync(path.join(dir, 'failed', f), 'utf8')).sort()).toEqual([late + '\n', 'not a row\tof otel_traces\n'].sort())
    expect(logged.join('\n')).toMatch(/cut into 2 pieces/)
    await log.close()

    // The next start tries them again; they are set aside again, and reported as set aside from the start.
    const again = SpanLog.open(dir, load, { maxAgeMs: 60_000, backoffMs: [1, 2] }, () => {})
    expect(again.state().setAside).toHaveLength(2)
    await pollUntil(() => again.state().pending === 0)
    expect(again.state().setAside).toHaveLength(2)
    expect(await countOf('cut-good')).toBe(40)
    await again.close()
  })

  it('cuts a segment over more days than one load may touch by day, and loads it all', async () => {
    const { dir, loads, load } = fresh({ max_partitions_per_insert_block: '5' })
    const log = SpanLog.open(dir, load, { maxAgeMs: 60_000, partitionsPerLoad: 5 })
    // 23 days, out of order and some days twice: pieces of at most 4 days (one less than the limit).
    const spans = [...daily('by-day', 23), ...daily('by-day', 6, T0 + 3n * DAY)].reverse()
    const rows = rowsOf(spans)
    await log.write((out) => rows.forEach((r) => out.push(r)))
    await log.settle()
    expect(await countOf('by-day')).toBe(29)
    expect(loads.length).toBe(1 + Math.ceil(23 / 4))
    expect(log.state()).toMatchObject({ pending: 0, failing: 0, setAside: [] })
    expect(tsvs(dir)).toEqual([])
    await log.close()
  })

  it('after a crash in the middle of a cut, loads the segment once and drops its unfinished pieces', async () => {
    const { dir, load } = fresh()
    fs.mkdirSync(dir, { recursive: true })
    const rows = rowsOf(Array.from({ length: 10 }, (_, i) => span('cut-crash', i, T0 + BigInt(i))))
    fs.writeFileSync(path.join(dir, '0000000000000-cut-00000001.tsv'), rows.join('\n') + '\n')
    // The crash: one piece written, the next one not renamed yet, the segment not yet removed.
    fs.writeFileSync(path.join(dir, '0000000000000-cut-00000001.s0.tsv'), rows.slice(0, 5).join('\n') + '\n')
    fs.writeFileSync(path.join(dir, '0000000000000-cut-00000001.s1.tsv.tmp'), rows.slice(5, 7).join('\n'))
    const log = SpanLog.open(dir, load, { maxAgeMs: 60_000 })
    await log.settle()
    expect(await countOf('cut-crash')).toBe(10)
    expect(fs.readdirSync(dir).filter((f) => f.includes('-cut-'))).toEqual([])
    await log.close()
  })
})
