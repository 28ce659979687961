// Export of N reconciliation records (PSA ↔ ERP time entries) as CSV and XLSX from a server in
// a child process: time to first byte, total time, rows, bytes, and the server's RSS growth
// (peak while exporting minus just before). CONTRACT §6 asks for constant memory.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import zlib from 'node:zlib'
import { openDb } from '../../server/db/client.ts'
import { migrate } from '../../server/db/migrate.ts'
import { seed } from './detect.ts'
import { TOKEN, fmt, rssMb, sampleRss, spawnServer } from './harness.ts'

const QUERY = 'pair=psa-erp&entity=time_entry&as_of=2026-06-30T12:00:00Z&from=2026-01-01&to=2026-06-30'

interface Download {
  format: 'csv' | 'xlsx'
  status: number
  ttfbSecs: number
  secs: number
  bytes: number
  rows: number
  rssBeforeMb: number
  rssPeakMb: number
}

/** Streams one export to a file; RSS sampled throughout. */
async function download(url: string, pid: number, format: 'csv' | 'xlsx', file: string): Promise<Download> {
  const rssBeforeMb = rssMb(pid)
  const rss = sampleRss(pid)
  const t0 = performance.now()
  const res = await fetch(`${url}/api/v1/exports/reconciliation.${format}?${QUERY}`, { headers: { authorization: `Bearer ${TOKEN}` } })
  let ttfb = 0
  let bytes = 0
  let lines = 0
  const out = fs.createWriteStream(file)
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    if (!ttfb) ttfb = performance.now() - t0
    bytes += chunk.length
    if (format === 'csv') for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()))
  }
  await new Promise<void>((r) => out.end(() => r()))
  const secs = (performance.now() - t0) / 1000
  const rssPeakMb = rss.stop()
  const rows = format === 'csv' ? lines - 1 : await xlsxRows(file)
  return { format, status: res.status, ttfbSecs: ttfb / 1000, secs, bytes, rows, rssBeforeMb, rssPeakMb }
}

/** Data rows of the first sheet: its <row> elements, header excluded, read from the zip itself. */
async function xlsxRows(file: string): Promise<number> {
  const zip = fs.readFileSync(file)
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  let p = zip.readUInt32LE(eocd + 16)
  for (let n = zip.readUInt16LE(eocd + 10); n > 0; n--) {
    const [method, size, nameLen, extraLen, commentLen, local] = [
      zip.readUInt16LE(p + 10), zip.readUInt32LE(p + 20), zip.readUInt16LE(p + 28), zip.readUInt16LE(p + 30), zip.readUInt16LE(p + 32), zip.readUInt32LE(p + 42),
    ]
    const name = zip.toString('utf8', p + 46, p + 46 + nameLen)
    p += 46 + nameLen + extraLen + commentLen
    if (name !== 'xl/worksheets/sheet1.xml') continue
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
    const body = Readable.from([zip.subarray(start, start + size)])
    let count = 0
    let tail = ''
    for await (const chunk of method === 8 ? body.pipe(zlib.createInflateRaw()) : body) {
      const text = tail + (chunk as Buffer).toString('latin1')
      count += text.split('<row ').length - 1
      tail = text.slice(-4) // shorter than '<row ': nothing in it was counted twice
    }
    return count - 1
  }
  throw new Error(`${file}: no first worksheet`)
}

/** A fresh server per measurement, so each growth starts from the same state. */
async function measure<T>(data: string, run: (url: string, pid: number) => Promise<T>): Promise<T> {
  const server = await spawnServer(data)
  try {
    await fetch(`${server.url}/api/v1/health`).then((r) => r.arrayBuffer())
    return await run(server.url, server.proc.pid!)
  } finally {
    await server.stop()
  }
}

export async function benchExport(rows = 1_000_000) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-export-'))
  const data = path.join(dir, 'data')
  try {
    const t = performance.now()
    const db = await openDb({ dataDir: data })
    await migrate(db)
    await seed(db, rows)
    await db.close()
    const seedSecs = (performance.now() - t) / 1000
    // The same comparison summed to one row: the engine's share of the memory, no file written.
    const engine = await measure(data, async (url, pid) => {
      const before = rssMb(pid)
      const rss = sampleRss(pid)
      const t0 = performance.now()
      const r = await fetch(`${url}/api/v1/reconciliation?${QUERY}`, { headers: { authorization: `Bearer ${TOKEN}` } })
      const body = (await r.json()) as { items: Array<{ records: number }> }
      if (body.items[0].records !== rows) throw new Error(`summary: ${body.items[0].records} records of ${rows}`)
      return { secs: (performance.now() - t0) / 1000, rssBeforeMb: before, rssPeakMb: rss.stop() }
    })
    // CSV twice on one server: the second shows what an export adds once the server is warm.
    const [csv, csvAgain] = await measure(data, async (url, pid) => [
      await download(url, pid, 'csv', path.join(dir, 'export.csv')),
      await download(url, pid, 'csv', path.join(dir, 'export-again.csv')),
    ])
    const xlsx = await measure(data, (url, pid) => download(url, pid, 'xlsx', path.join(dir, 'export.xlsx')))
    for (const d of [csv, csvAgain, xlsx]) if (d.status !== 200 || d.rows !== rows) throw new Error(`${d.format} export: status ${d.status}, ${d.rows} rows of ${rows}`)
    return { rows, seedSecs, engine, csv, csvAgain, xlsx }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

export function reportExport(r: Awaited<ReturnType<typeof benchExport>>): string {
  const line = (d: Download) =>
    `  ${d.format.toUpperCase().padEnd(4)} ${fmt(d.rows)} rows, ${(d.bytes / 1024 ** 2).toFixed(0)} MB: first byte ${d.ttfbSecs.toFixed(1)} s, total ${d.secs.toFixed(1)} s ` +
    `(${fmt(d.rows / d.secs)} rows/s); server RSS ${d.rssBeforeMb.toFixed(0)} → peak ${d.rssPeakMb.toFixed(0)} MB (+${(d.rssPeakMb - d.rssBeforeMb).toFixed(0)} MB)`
  return [
    `export: ${fmt(r.rows)} reconciliation records (PSA ↔ ERP time entries; seeded in ${r.seedSecs.toFixed(1)} s), each on a fresh server`,
    `  the comparison summed (engine only): ${r.engine.secs.toFixed(1)} s; server RSS ${r.engine.rssBeforeMb.toFixed(0)} → peak ${r.engine.rssPeakMb.toFixed(0)} MB (+${(r.engine.rssPeakMb - r.engine.rssBeforeMb).toFixed(0)} MB)`,
    line(r.csv),
    `  CSV again on the same server: total ${r.csvAgain.secs.toFixed(1)} s; server RSS ${r.csvAgain.rssBeforeMb.toFixed(0)} → peak ${r.csvAgain.rssPeakMb.toFixed(0)} MB (+${(r.csvAgain.rssPeakMb - r.csvAgain.rssBeforeMb).toFixed(0)} MB)`,
    line(r.xlsx),
  ].join('\n')
}
