// `npm run bench -- connectors`: BENCH_ROWS (1,000,000) native time entries served by a vendor's
// imitation on 127.0.0.1 (its own process, connectors-imitation.ts: frozen data, each page
// serialised once and replayed as bytes after the first pass), then
//   (a) reader + mapping only, in this process: the type's reader pages through the listing and
//       every record goes through mapRecord — records/s, pages, share of the time in mapping,
//       this process's peak RSS, and the imitation's CPU over the same window;
//   (b) end to end: a real server (its own process, temp data dir, a config whose one source has
//       the connector) pulls `mode=full` through the API until the run ends — records/s and the
//       server's peak RSS. The server also reads the type's other entities (people, projects).
// Pass 1 of (a) is the cold one (the imitation sorts, indexes and serialises as it answers);
// later passes replay bytes. (b) runs on its own imitation of BENCH_E2E_ROWS (50,000) entries. BENCH_VENDORS (kantata,harvest; netsuite too when asked), BENCH_RUNS (3),
// BENCH_E2E=0 skips (b). Nothing fails: the target (≥ 50,000 records/s for (a)) is reported.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openSource } from '../../ingest/connectors/framework/index.ts'
import { columnsOf, loadMapping, mapRecord } from '../../ingest/connectors/mapping/index.ts'
import { connectorType } from '../../ingest/connectors/types/index.ts'
import { NETSUITE_DEFAULT_CREDENTIALS } from '../../ingest/imitations/index.ts'
import { systemClock } from '../../server/lib/clock.ts'
import { ROOT, TOKEN, fmt, sampleRss, spawnServer } from './harness.ts'

const TARGET = 50_000

type Vendor = 'kantata' | 'harvest' | 'netsuite'

interface Usage { cpuMs: number; rssMb: number; requests: number }

interface Imitation {
  url: string
  generatedMs: number
  proc: ChildProcess
  usage(): Promise<Usage>
  stop(): Promise<void>
}

async function spawnImitation(vendor: Vendor, rows: number): Promise<Imitation> {
  const proc = spawn(process.execPath, ['--max-old-space-size=8192', path.join(ROOT, 'server/cli/run-ts.mjs'), path.join(ROOT, 'test/bench/connectors-imitation.ts'), vendor, String(rows)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const first = await new Promise<{ url: string; generatedMs: number }>((resolve, reject) => {
    proc.once('message', (m) => resolve(m as { url: string; generatedMs: number }))
    proc.once('exit', (code) => reject(new Error(`the ${vendor} imitation exited with ${code}`)))
  })
  return {
    url: first.url,
    generatedMs: first.generatedMs,
    proc,
    usage: () =>
      new Promise((resolve) => {
        proc.once('message', (m) => resolve(m as Usage))
        proc.send('usage')
      }),
    stop: () =>
      new Promise((resolve) => {
        proc.once('exit', () => resolve())
        proc.send('stop')
      }),
  }
}

/** The connector block of the source, secrets as ${ENV} references (set in the server's env). */
function connectorBlock(vendor: Vendor, url: string): Record<string, unknown> {
  if (vendor === 'kantata') return { type: 'kantata', base_url: url, auth: { type: 'token', token: '${CW_BENCH_SECRET}' } }
  if (vendor === 'harvest')
    // Harvest's 100 requests / 15 s lifted, as in the imitation: ours is the cost measured.
    return { type: 'harvest', base_url: url, auth: { type: 'token', token: '${CW_BENCH_SECRET}', account_id: '1000001' }, user_agent: 'Crosswalk bench (bench@example.com)', limits: { requests: 0 } }
  const ns = NETSUITE_DEFAULT_CREDENTIALS
  return {
    type: 'netsuite', base_url: url,
    auth: { type: 'tba', account_id: ns.accountId, consumer_key: ns.consumerKey, consumer_secret: ns.consumerSecret, token_id: ns.tokenId, token_secret: '${CW_BENCH_SECRET}' },
  }
}

const SECRET: Record<Vendor, string> = { kantata: 'kantata-token', harvest: 'harvest-token', netsuite: NETSUITE_DEFAULT_CREDENTIALS.tokenSecret }

interface ReadRun { readAhead: boolean; cpuS: number; records: number; failed: number; firstFailure?: string; pages: number; seconds: number; mapSeconds: number; peakRss: number; imitationCpuS: number }

/** (a): the reader and mapRecord over every time entry, in this process. */
async function readAndMap(vendor: Vendor, im: Imitation, readAhead: boolean): Promise<ReadRun> {
  const type = connectorType(vendor)
  const block = connectorBlock(vendor, im.url)
  const config = { ...block, read_ahead: readAhead, auth: JSON.parse(JSON.stringify(block.auth).replace('${CW_BENCH_SECRET}', SECRET[vendor])) } as never
  const http = openSource(type, config, { clock: systemClock })
  const mapping = loadMapping(vendor, 'time_entry')
  const before = await im.usage()
  const rss = sampleRss(process.pid)
  const cpu = process.cpuUsage()
  const started = performance.now()
  let records = 0
  let failed = 0
  let pages = 0
  let mapMs = 0
  let firstFailure: string | undefined
  for await (const page of type.read('time_entry', { mode: 'full', state: null, columns: columnsOf(mapping), source: mapping.source as never, http })) {
    pages++
    const t = performance.now()
    for (const native of page.records) {
      const m = mapRecord(mapping, native)
      if (m.ok) records++
      else {
        failed++
        firstFailure ??= m.message
      }
    }
    mapMs += performance.now() - t
  }
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  const peakRss = rss.stop()
  const after = await im.usage()
  return { readAhead, cpuS: (used.user + used.system) / 1e6, records, failed, firstFailure, pages, seconds, mapSeconds: mapMs / 1000, peakRss, imitationCpuS: (after.cpuMs - before.cpuMs) / 1000 }
}

interface EndToEnd { records: number; rejected: number; status: string; error?: string; pages: number; seconds: number; peakRss: number; imitationCpuS: number }

/** (b): a real server pulls the source in full through the API. */
async function endToEnd(vendor: Vendor, im: Imitation): Promise<EndToEnd> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-connectors-'))
  const configFile = path.join(dataDir, 'config.json')
  fs.writeFileSync(configFile, JSON.stringify({ sources: [{ system: vendor, kind: vendor === 'netsuite' ? 'erp' : 'psa', connector: connectorBlock(vendor, im.url) }] }))
  const server = await spawnServer(path.join(dataDir, 'data'), { CW_BENCH_SECRET: SECRET[vendor] }, ['--config', configFile])
  const auth = { authorization: `Bearer ${TOKEN}` }
  try {
    const before = await im.usage()
    const rss = sampleRss(server.proc.pid!)
    const started = performance.now()
    const res = await fetch(`${server.url}/api/v1/sources/${vendor}/pull?mode=full`, { method: 'POST', headers: auth })
    const { run_id } = (await res.json()) as { run_id: string }
    if (!run_id) throw new Error(`pull not started: HTTP ${res.status}`)
    let run: { status: string; records: number; rejected: number; pages: number; error?: string }
    for (;;) {
      run = (await (await fetch(`${server.url}/api/v1/sources/${vendor}/runs/${run_id}`, { headers: auth })).json()) as typeof run
      if (run.status !== 'running') break
      await new Promise((r) => setTimeout(r, 200))
    }
    const seconds = (performance.now() - started) / 1000
    const peakRss = rss.stop()
    const after = await im.usage()
    return { records: run.records, rejected: run.rejected, status: run.status, error: run.error, pages: run.pages, seconds, peakRss, imitationCpuS: (after.cpuMs - before.cpuMs) / 1000 }
  } finally {
    await server.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

export interface ConnectorsResult {
  rows: number
  e2eRows: number
  load: string
  vendors: Array<{ vendor: Vendor; generatedS: number; imitationRss: number; reads: ReadRun[]; e2e: EndToEnd[]; error?: string }>
}

export async function benchConnectors(rows: number): Promise<ConnectorsResult> {
  const vendors = (process.env.BENCH_VENDORS ?? 'kantata,harvest').split(',').filter(Boolean) as Vendor[]
  const runs = Number(process.env.BENCH_RUNS ?? 3)
  const e2eRuns = process.env.BENCH_E2E === '0' ? 0 : Number(process.env.BENCH_E2E ?? 1)
  const e2eRows = Number(process.env.BENCH_E2E_ROWS ?? 50_000)
  const out: ConnectorsResult = { rows, e2eRows, load: os.loadavg().map((l) => l.toFixed(1)).join(' '), vendors: [] }
  for (const vendor of vendors) {
    const im = await spawnImitation(vendor, rows)
    const entry: ConnectorsResult['vendors'][number] = { vendor, generatedS: im.generatedMs / 1000, imitationRss: 0, reads: [], e2e: [] }
    out.vendors.push(entry)
    try {
      // One cold pass (the imitation serialises as it answers), then `runs` warm ones as the
      // server reads today (a page asked for once the one before is handed over), then `runs`
      // with read_ahead (the next page requested while this one is mapped).
      for (let i = 0; i <= 2 * runs; i++) {
        entry.reads.push(await readAndMap(vendor, im, i > runs))
        console.error(`connectors: ${vendor} read pass ${i}: ${fmt(entry.reads[i].records / entry.reads[i].seconds)} records/s`)
      }
    } catch (e) {
      entry.error = (e as Error).message
    } finally {
      entry.imitationRss = (await im.usage()).rssMb
      await im.stop()
    }
    // End to end on its own, smaller listing: the runner commits one batch per page, so a
    // million entries in 200-record pages would take most of an hour (see the report).
    if (e2eRuns > 0 && !entry.error) {
      const small = await spawnImitation(vendor, e2eRows)
      try {
        for (let i = 0; i < e2eRuns; i++) {
          entry.e2e.push(await endToEnd(vendor, small))
          console.error(`connectors: ${vendor} end to end ${i + 1}: ${entry.e2e[i].status}, ${fmt(entry.e2e[i].records / entry.e2e[i].seconds)} records/s`)
        }
      } catch (e) {
        entry.error = (e as Error).message
      } finally {
        await small.stop()
      }
    }
  }
  out.load += ` → ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`
  return out
}

export function reportConnectors(r: ConnectorsResult): string {
  const lines = [
    `connectors: ${fmt(r.rows)} time entries per vendor from a local imitation (127.0.0.1, its own process); load average ${r.load} (${os.cpus().length} cores)`,
    '',
    '| vendor | pass | records | pages | records/s | of which mapping | reader CPU | records per CPU-s (reader + imitation) | peak RSS | imitation CPU | target ≥ 50,000/s |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ]
  for (const v of r.vendors) {
    let warm = 0
    v.reads.forEach((x, i) => {
      const pass = i === 0 ? 'cold' : x.readAhead ? `read-ahead ${++warm - (v.reads.length - 1) / 2}` : `${++warm}`
      lines.push(
        `| ${v.vendor} | read+map ${pass} | ${fmt(x.records)}${x.failed ? ` (+${fmt(x.failed)} failed)` : ''} | ${fmt(x.pages)} | ${fmt(x.records / x.seconds)} | ${Math.round((100 * x.mapSeconds) / x.seconds)} % | ${x.cpuS.toFixed(1)} s | ${fmt(x.records / (x.cpuS + x.imitationCpuS))} | ${x.peakRss.toFixed(0)} MB | ${x.imitationCpuS.toFixed(1)} s of ${x.seconds.toFixed(1)} s | ${x.records / x.seconds >= TARGET ? 'met' : 'MISSED'} |`,
      )
    })
    for (const [i, x] of v.e2e.entries()) {
      lines.push(
        `| ${v.vendor} | end to end ${i + 1} (${x.status}; ${fmt(r.e2eRows)} entries + people and projects) | ${fmt(x.records)}${x.rejected ? ` (+${fmt(x.rejected)} rejected)` : ''} | ${fmt(x.pages)} | ${fmt(x.records / x.seconds)} | — | — | — | server ${x.peakRss.toFixed(0)} MB | ${x.imitationCpuS.toFixed(1)} s of ${x.seconds.toFixed(1)} s | — |`,
      )
    }
  }
  lines.push('')
  for (const v of r.vendors) {
    lines.push(`${v.vendor}: data generated in ${v.generatedS.toFixed(1)} s; imitation RSS at the end ${v.imitationRss.toFixed(0)} MB (pages held as bytes)`)
    const f = v.reads.find((x) => x.firstFailure)?.firstFailure
    if (f) lines.push(`  first mapping failure: ${f}`)
    for (const x of v.e2e) if (x.error) lines.push(`  end-to-end run error: ${x.error}`)
    if (v.error) lines.push(`  ERROR: ${v.error}`)
  }
  return lines.join('\n')
}
