// The span write-ahead log on the real embedded engine: acknowledged spans survive a kill and
// are loaded exactly once at the next start; a segment loaded before a crash is not loaded
// twice; an append cut short is dropped; a segment that cannot load is set aside without
// holding up the others; readers see every acknowledged span at once.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../server/db/client.ts'
import { loadFile, queryRows } from '../server/db/query.ts'
import { migrate } from '../server/db/migrate.ts'
import { decodeJson, normalize } from '../server/traces/otlp.ts'
import { SpanLog } from '../server/traces/span-log.ts'
import { SPAN_COLUMNS, spanRow } from '../server/traces/span-row.ts'
import { ADMIN, api, startServer, tempDir } from './helpers/server.ts'
import { pollUntil } from './helpers/wait.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const str = (v: string) => ({ stringValue: v })
const T0 = 1_800_000_000n * 1_000_000_000n // 2027-01-15T08:00:00Z in ns

/** An OTLP/JSON request of `traces` traces of 3 spans each, entity keys `${tag}-n`. */
function otlp(tag: string, traces: number) {
  const spans = []
  for (let t = 0; t < traces; t++) {
    const traceId = crypto.randomBytes(16).toString('hex')
    const rootId = crypto.randomBytes(8).toString('hex')
    for (let i = 0; i < 3; i++)
      spans.push({
        traceId, spanId: i ? crypto.randomBytes(8).toString('hex') : rootId, ...(i ? { parentSpanId: rootId } : {}),
        name: i ? 'netsuite.upsert' : 'sync project', kind: 2,
        startTimeUnixNano: String(T0 + BigInt(t * 10 + i) * 1_000_000n), endTimeUnixNano: String(T0 + BigInt(t * 10 + i + 5) * 1_000_000n),
        attributes: [
          { key: 'crosswalk.workflow', value: str('span_log') },
          { key: 'crosswalk.entity.type', value: str('project') },
          { key: 'crosswalk.entity.key', value: str(`${tag}-${t}`) },
          { key: 'attempt', value: { intValue: '1' } },
        ],
      })
  }
  return { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: str('boomi') }] }, scopeSpans: [{ scope: { name: 't' }, spans }] }] }
}

const rows = (tag: string, traces: number) => normalize(decodeJson(Buffer.from(JSON.stringify(otlp(tag, traces))))).spans.map(spanRow)

describe('the span log, against the engine', () => {
  let db: Db
  let dir: string
  const copies: string[] = []
  const spansOf = async (prefix: string) =>
    Number((await queryRows<{ n: string }>(db, 't', "SELECT count() AS n FROM otel_traces WHERE startsWith(SpanAttributes['crosswalk.entity.key'], {p:String})", { p: prefix }))[0].n)
  // Loads as the server does, keeping a copy of each segment as it was before its load.
  const load = async (file: string, token: string) => {
    const copy = path.join(dir, '..', `copy-${path.basename(file)}`)
    fs.copyFileSync(file, copy)
    copies.push(copy)
    await loadFile(db, 'otel_traces', SPAN_COLUMNS, file, 'TabSeparated', { insert_deduplication_token: token })
  }

  beforeAll(async () => {
    const data = tempDir()
    db = await openDb({ dataDir: data })
    await migrate(db, undefined, () => {})
    dir = path.join(data, 'log-under-test')
  })
  afterAll(async () => {
    await db.close()
  })

  it('cuts segments by size, loads them all, and readers see every acknowledged span after settle()', async () => {
    const log = SpanLog.open(dir, load, { segmentBytes: 4_000, maxAgeMs: 60_000 })
    // One at a time: requests that arrive together share one append, and a segment is cut after one.
    for (let i = 0; i < 6; i++) {
      const b = rows(`SL-A${i}`, 4)
      await log.write((out) => b.forEach((r) => out.push(r)))
    }
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tsv')).length).toBeGreaterThan(0)
    await log.settle()
    expect(await spansOf('SL-A')).toBe(6 * 4 * 3)
    expect(copies.length).toBeGreaterThan(2) // several segments, each loaded once
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tsv'))).toEqual([])
    await log.close()
  })

  it('at the next start, loads what a crash left: a segment already loaded is not loaded twice, a cut-off line is dropped', async () => {
    const log = SpanLog.open(dir, load, { maxAgeMs: 60_000 })
    const b = rows('SL-B', 5)
    await log.write((out) => b.forEach((r) => out.push(r)))
    await log.settle()
    expect(await spansOf('SL-B')).toBe(15)
    await log.close()
    // The crash: the segment landed but its file was not yet removed.
    const landed = copies.at(-1)!
    fs.copyFileSync(landed, path.join(dir, path.basename(landed).replace(/^copy-/, '')))
    // And a segment whose last append was cut short (never acknowledged).
    const c = rows('SL-C', 2)
    fs.writeFileSync(path.join(dir, '9999999999999-aaaaaaaa-00000000.tsv'), c.join('\n') + '\n' + c[0].slice(0, 40))

    const next = SpanLog.open(dir, load, { maxAgeMs: 60_000 })
    await next.settle()
    expect(await spansOf('SL-B')).toBe(15)
    expect(await spansOf('SL-C')).toBe(6)
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tsv'))).toEqual([])
    await next.close()
  })

  it('lets a reader wait for what was logged before it, not for what keeps coming after', async () => {
    // Segments after the first do not load until the end of the test, as when requests keep
    // coming faster than the engine takes them.
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    let loaded = 0
    const gated = async (file: string, token: string) => {
      if (loaded++ > 0) await gate
      await load(file, token)
    }
    const log = SpanLog.open(dir, gated, { segmentBytes: 1, maxAgeMs: 60_000 })
    const first = rows('SL-H0-', 1)
    await log.write((out) => first.forEach((r) => out.push(r)))
    const settled = log.settle().then(() => 'settled')
    for (let i = 1; i <= 3; i++) {
      const more = rows(`SL-H${i}-`, 1)
      await log.write((out) => more.forEach((r) => out.push(r)))
    }
    expect(await Promise.race([settled, new Promise((r) => setTimeout(() => r('still waiting'), 5_000))])).toBe('settled')
    expect(await spansOf('SL-H0-')).toBe(3)
    expect(log.status().pending).toBeGreaterThan(0) // the later segments: the reader did not wait for them
    release()
    await log.settle()
    expect(await spansOf('SL-H')).toBe(12)
    await log.close()
  })

  it('keeps awkward text exactly, in every text, Map and JSON column', async () => {
    const AWK = ["a'b", 'c\\d', 'tab\there', 'nl\nhere', 'cr\rx', 'nul\0x', 'bs\bff\f', 'q"x', 'end\\', "{}[]:,'", 'é😀', '\\N', '', ' pad ', '\\t literal']
    const attrs = [
      ...AWK.map((v, i) => ({ key: `k${i}${v}`, value: str(v) })),
      { key: 'int', value: { intValue: '-9007199254740993' } }, { key: 'dbl', value: { doubleValue: 1.5 } }, { key: 'yes', value: { boolValue: true } },
      { key: "arr'", value: { arrayValue: { values: AWK.map(str) } } }, { key: 'kv', value: { kvlistValue: { values: [{ key: "x'\\", value: str('tab\t') }] } } },
    ]
    const traceId = crypto.randomBytes(16).toString('hex')
    const body = {
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: str("svc 'Ω'\t") }, ...attrs] },
        scopeSpans: [{
          scope: { name: "scope\n'", version: 'v\\1' },
          spans: [{
            traceId, spanId: crypto.randomBytes(8).toString('hex'), traceState: "ts='a',b\t", name: AWK.join('|'), kind: 3,
            startTimeUnixNano: String(T0), endTimeUnixNano: String(T0 + 5n), attributes: attrs,
            status: { code: 2, message: AWK.join('\n') },
            events: [{ timeUnixNano: String(T0 + 1n), name: "ev'\t", attributes: attrs }, { timeUnixNano: String(T0 + 2n), name: '', attributes: [] }],
            links: [{ traceId, spanId: crypto.randomBytes(8).toString('hex'), traceState: "l'\n", attributes: attrs }],
          }],
        }],
      }],
    }
    const [span] = normalize(decodeJson(Buffer.from(JSON.stringify(body)))).spans
    const log = SpanLog.open(dir, load, { maxAgeMs: 60_000 })
    await log.write((out) => out.push(spanRow(span)))
    await log.settle()
    await log.close()
    const [got] = await queryRows<Record<string, unknown>>(
      db,
      't',
      `SELECT SpanName, StatusMessage, TraceState, ScopeName, ScopeVersion, ServiceName, SpanAttributes, SpanAttributesJSON,
              ResourceAttributes, ResourceAttributesJSON, Events.Name, Events.Attributes, EventsAttributesJSON,
              Links.TraceState, Links.Attributes, LinksAttributesJSON, toString(Timestamp) AS ts, Duration
       FROM otel_traces WHERE TraceId = {t:String}`,
      { t: traceId },
    )
    const text = (a: Record<string, unknown>) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v)]))
    expect(got).toEqual({
      SpanName: AWK.join('|'), StatusMessage: AWK.join('\n'), TraceState: "ts='a',b\t", ScopeName: "scope\n'", ScopeVersion: 'v\\1', ServiceName: "svc 'Ω'\t",
      SpanAttributes: text(span.attributes), SpanAttributesJSON: JSON.stringify(span.attributes),
      ResourceAttributes: text(span.resourceAttributes), ResourceAttributesJSON: JSON.stringify(span.resourceAttributes),
      'Events.Name': ["ev'\t", ''], 'Events.Attributes': [text(span.attributes), {}], EventsAttributesJSON: JSON.stringify([span.attributes, {}]),
      'Links.TraceState': ["l'\n"], 'Links.Attributes': [text(span.attributes)], LinksAttributesJSON: JSON.stringify([span.attributes]),
      ts: '2027-01-15 08:00:00.000000000', Duration: '5',
    })
    expect(span.attributes['int']).toBe('-9007199254740993')
  })

  it('keeps every segment, and loads them all, while no load succeeds (the engine, not the data)', async () => {
    // Enough failures for each of the three segments to fail three times before anything loads.
    const failures = { left: 9 }
    const flaky = async (file: string, token: string) => {
      if (failures.left-- > 0) throw new Error('MEMORY_LIMIT_EXCEEDED (a stand-in for a passing engine failure)')
      await load(file, token)
    }
    const logged: string[] = []
    const log = SpanLog.open(dir, flaky, { segmentBytes: 1, maxAgeMs: 60_000, backoffMs: [5, 20] }, (l) => logged.push(l))
    for (let i = 0; i < 3; i++) {
      const f = rows(`SL-F${i}`, 1)
      await log.write((out) => f.forEach((r) => out.push(r)))
    }
    await pollUntil(() => !fs.readdirSync(dir).some((f) => f.endsWith('.tsv')), 50)
    expect(failures.left).toBeLessThan(0)
    expect(await spansOf('SL-F')).toBe(9)
    expect(fs.existsSync(path.join(dir, 'failed')) ? fs.readdirSync(path.join(dir, 'failed')) : []).toEqual([])
    expect(logged.join('\n')).not.toMatch(/could not be loaded/)
    expect(log.status()).toEqual({ pending: 0, failing: 0, setAside: 0 })
    await log.close()
  })

  it('sets aside a segment that cannot load, and still loads the ones after it', async () => {
    const logged: string[] = []
    fs.writeFileSync(path.join(dir, '0000000000000-bad-00000000.tsv'), 'not a row\tof otel_traces\n')
    const d = rows('SL-D', 3)
    fs.writeFileSync(path.join(dir, '0000000000001-good-00000000.tsv'), d.join('\n') + '\n')
    const log = SpanLog.open(dir, load, { maxAgeMs: 60_000 }, (l) => logged.push(l))
    await pollUntil(() => !fs.readdirSync(dir).some((f) => f.endsWith('.tsv')), 100)
    expect(await spansOf('SL-D')).toBe(9)
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tsv'))).toEqual([])
    expect(fs.readdirSync(path.join(dir, 'failed'))).toEqual(['0000000000000-bad-00000000.tsv'])
    expect(log.status()).toEqual({ pending: 0, failing: 0, setAside: 1 })
    expect(logged.join('\n')).toMatch(/loading spans from .*0000000000000-bad-00000000\.tsv failed \(kept, retrying\)/)
    expect(logged.join('\n')).toMatch(/failed\/0000000000000-bad-00000000\.tsv could not be loaded in 3 attempts while others loaded/)
    // New spans still go through.
    const e = rows('SL-E', 1)
    await log.write((out) => e.forEach((r) => out.push(r)))
    await log.settle()
    expect(await spansOf('SL-E')).toBe(3)
    await log.close()
  })
})

describe('the span log in the server', () => {
  it('keeps acknowledged spans when the server is killed, and has each exactly once after the restart', async () => {
    const dataDir = tempDir()
    const child = spawn(process.execPath, [path.join(ROOT, 'server/cli/crosswalk.mjs'), 'serve', '--data', dataDir, '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, CROSSWALK_ADMIN_TOKEN: ADMIN, CROSSWALK_DETECT_INTERVAL: '0', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, signal) => r(signal)))
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start: ${stdout}`)), 60_000)
        child.stdout.on('data', (d) => {
          stdout += d
          const m = /Crosswalk .*?(http:\/\/\S+)/.exec(stdout)
          if (m) {
            clearTimeout(timer)
            resolve(m[1])
          }
        })
      })
      const sent = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          fetch(`${url}/v1/traces`, { method: 'POST', body: JSON.stringify(otlp(`SL-K${i}`, 5)), headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` } }),
        ),
      )
      expect(sent.map((r) => r.status)).toEqual([200, 200, 200, 200])
    } finally {
      child.kill('SIGKILL')
    }
    expect(await exited).toBe('SIGKILL')

    const b = await startServer({ dataDir })
    try {
      const list = await api(b.url, '/api/v1/transactions?workflow=span_log&limit=100')
      expect(list.status).toBe(200)
      expect(list.body.items).toHaveLength(20)
      expect(list.body.items.every((t: { spans: number }) => t.spans === 3)).toBe(true)
      expect(new Set(list.body.items.map((t: { entity_key: string }) => t.entity_key)).size).toBe(20)
      // Nothing left waiting in the log once a reader has settled it.
      const health = await api(b.url, '/api/v1/health', { token: null })
      expect(health.body.span_log).toEqual({ segments_pending: 0, segments_failing: 0, segments_set_aside: 0 })
    } finally {
      await b.close()
    }
  })
})
