// OTLP/HTTP span ingest: spans/s into a server in a child process, as OTLP JSON and as OTLP
// protobuf (encoded with the OpenTelemetry project's generated message code, as the SDK's
// exporter does), `requests` requests of `perRequest` spans, `concurrency` at a time.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { openDb } from '../../server/db/client.ts'
import { TOKEN, fmt, rssMb, sampleRss, spawnServer } from './harness.ts'

const root = createRequire(import.meta.url)('otlp-proto-definitions/build/src/generated/root.js')
const { ExportTraceServiceRequest } = root.opentelemetry.proto.collector.trace.v1

const T0 = 1_800_000_000n * 1_000_000_000n // 2027-01-15T08:00:00Z in ns
const str = (v: string) => ({ stringValue: v })

/** One request: `n` spans in traces of 5 (a root and 4 children), business attributes on each. */
function request(r: number, n: number, hexIds: boolean) {
  const spans = []
  let traceId = ''
  let rootId = ''
  for (let i = 0; i < n; i++) {
    if (i % 5 === 0) traceId = crypto.randomBytes(16).toString('hex')
    const spanId = crypto.randomBytes(8).toString('hex')
    if (i % 5 === 0) rootId = spanId
    const start = T0 + BigInt(r * n + i) * 1_000_000n
    const id = (hex: string) => (hexIds ? hex : Buffer.from(hex, 'hex'))
    spans.push({
      traceId: id(traceId), spanId: id(spanId), ...(i % 5 ? { parentSpanId: id(rootId) } : {}),
      name: i % 5 ? 'netsuite.upsert' : 'sync project', kind: i % 5 ? 3 : 2,
      startTimeUnixNano: String(start), endTimeUnixNano: String(start + 25_000_000n),
      attributes: [
        { key: 'crosswalk.workflow', value: str('project_sync') },
        { key: 'crosswalk.entity.type', value: str('project') },
        { key: 'crosswalk.entity.key', value: str(`PRJ-${(r * n + i) % 10_000}`) },
        { key: 'http.response.status_code', value: { intValue: i % 97 ? '200' : '500' } },
      ],
      status: { code: i % 97 ? 1 : 2, ...(i % 97 ? {} : { message: 'upstream 500' }) },
    })
  }
  return { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: str('boomi') }] }, scopeSpans: [{ scope: { name: 'bench' }, spans }] }] }
}

async function send(url: string, bodies: Array<string | Uint8Array>, type: string, concurrency: number) {
  let next = 0
  const worker = async () => {
    for (let i = next++; i < bodies.length; i = next++) {
      const res = await fetch(`${url}/v1/traces`, { method: 'POST', body: bodies[i] as BodyInit, headers: { 'content-type': type, authorization: `Bearer ${TOKEN}` } })
      const answer = Buffer.from(await res.arrayBuffer())
      // An OTLP success carries no partialSuccess: an empty JSON object, or an empty protobuf message.
      if (res.status !== 200 || (type === 'application/json' ? answer.toString() !== '{}' : answer.length !== 0))
        throw new Error(`request ${i}: ${res.status} ${answer.toString().slice(0, 300)}`)
    }
  }
  const t = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  return (performance.now() - t) / 1000
}

export async function benchSpans(requests = 200, perRequest = 1000, concurrency = 4) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-spans-'))
  const data = path.join(dir, 'data')
  try {
    // Bodies built before the clock starts: the server's work is measured, not the client's.
    // The first `concurrency` of each are a warm-up, not timed.
    const n = requests + concurrency
    // As bytes, like the protobuf bodies: fetch would otherwise encode each string while timed.
    const json = Array.from({ length: n }, (_, r) => Buffer.from(JSON.stringify(request(r, perRequest, true))))
    const proto = Array.from({ length: n }, (_, r) =>
      ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(request(n + r, perRequest, false))).finish() as Uint8Array)
    const mb = (xs: Array<string | Uint8Array>) => xs.reduce((n, x) => n + (typeof x === 'string' ? Buffer.byteLength(x) : x.length), 0) / 1024 ** 2
    const server = await spawnServer(data)
    const timed = (xs: Array<string | Uint8Array>) => xs.slice(concurrency)
    const result = { requests, perRequest, concurrency, json: { secs: 0, mb: mb(timed(json)) }, proto: { secs: 0, mb: mb(timed(proto)) }, peakRssMb: 0, startRssMb: rssMb(server.proc.pid!) }
    const rss = sampleRss(server.proc.pid!)
    try {
      await send(server.url, json.slice(0, concurrency), 'application/json', concurrency)
      await send(server.url, proto.slice(0, concurrency), 'application/x-protobuf', concurrency)
      result.json.secs = await send(server.url, timed(json), 'application/json', concurrency)
      result.proto.secs = await send(server.url, timed(proto), 'application/x-protobuf', concurrency)
    } finally {
      result.peakRssMb = rss.stop()
      await server.stop()
    }
    const db = await openDb({ dataDir: data })
    const rs = await db.client.query({ query: 'SELECT count() AS n FROM otel_traces', format: 'JSONEachRow' })
    const stored = Number(((await rs.json()) as Array<{ n: string }>)[0].n)
    await db.close()
    if (stored !== 2 * n * perRequest) throw new Error(`stored ${stored} spans of ${2 * n * perRequest}`)
    return result
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

export function reportSpans(r: Awaited<ReturnType<typeof benchSpans>>): string {
  const spans = r.requests * r.perRequest
  const line = (label: string, x: { secs: number; mb: number }) =>
    `  ${label} ${fmt(spans / x.secs)} spans/s  (${fmt(spans)} spans, ${x.mb.toFixed(0)} MB in ${x.secs.toFixed(1)} s)`
  return [
    `spans: OTLP/HTTP, ${r.requests} requests × ${fmt(r.perRequest)} spans, ${r.concurrency} at a time (after a warm-up of ${r.concurrency} each); all stored`,
    line('JSON:    ', r.json),
    line('protobuf:', r.proto),
    `  server RSS ${r.startRssMb.toFixed(0)} MB at start, peak ${r.peakRssMb.toFixed(0)} MB`,
  ].join('\n')
}
