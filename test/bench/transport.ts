// The floor under the ingest bench: the same collector and file, sent over loopback HTTP to a
// server that only reads the bytes (null-sink.mjs). CPU of both processes, user and kernel, so
// the README's account of where ingest time goes can be checked. Not run by default:
// `npm run bench -- transport`.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ingestFile } from '../../ingest/collectors/ingest-file.ts'
import { fmt } from './harness.ts'
import { writeTimeEntries } from './ingest.ts'

const SINK = path.join(path.dirname(fileURLToPath(import.meta.url)), 'null-sink.mjs')

export async function benchTransport(rows = 1_000_000) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-transport-'))
  const file = path.join(dir, 'time_entries.ndjson')
  const sink = spawn(process.execPath, [SINK], { stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    writeTimeEntries(file, rows)
    const url = await new Promise<string>((resolve) => sink.stdout.once('data', (d) => resolve(String(d).trim())))
    const c0 = process.cpuUsage()
    const t = performance.now()
    const sent = await ingestFile({ file, server: url, token: 'sink', system: 'kantata', entity: 'time_entry', mode: 'delta', batchRows: 100_000 })
    const secs = (performance.now() - t) / 1000
    const collector = process.cpuUsage(c0)
    const stat = fs.readFileSync(`/proc/${sink.pid}/stat`, 'utf8').split(') ')[1].split(' ')
    const tick = 100 // USER_HZ
    if (sent.accepted !== rows) throw new Error(`the sink counted ${sent.accepted} of ${rows} lines`)
    return { rows, secs, collectorUser: collector.user / 1e6, collectorSys: collector.system / 1e6, sinkUser: Number(stat[11]) / tick, sinkSys: Number(stat[12]) / tick }
  } finally {
    sink.kill()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

export function reportTransport(r: Awaited<ReturnType<typeof benchTransport>>): string {
  return [
    `transport: ${fmt(r.rows)} time entries, collector → loopback HTTP → a server that only reads the bytes`,
    `  ${fmt(r.rows / r.secs)} rows/s; CPU: collector ${r.collectorUser.toFixed(1)} s user + ${r.collectorSys.toFixed(1)} s kernel, receiver ${r.sinkUser.toFixed(1)} s user + ${r.sinkSys.toFixed(1)} s kernel`,
  ].join('\n')
}
