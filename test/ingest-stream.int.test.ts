// Bodies are streamed (CONTRACT §3): a server limited to a 96 MB heap ingests a generated NDJSON
// body of more than 200 MB, sent chunked and produced on the fly, with every line accepted and
// its resident memory bounded.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { ADMIN, api, tempDir } from './helpers/server.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const CLI = path.join(ROOT, 'server/cli/crosswalk.mjs')
const HEAP_MB = 96
const MIN_BODY_BYTES = 200 * 1024 * 1024
const MAX_RSS_MB = 600

const STATUSES = ['draft', 'submitted', 'approved', 'rejected']

/** One time entry line; about 250 bytes. */
function line(i: number): string {
  const day = 1 + (i % 28)
  return (
    JSON.stringify({
      key: `TE-S-${String(i).padStart(9, '0')}`,
      native_id: `KT${i}`,
      resource_key: `E${String(i % 997).padStart(5, '0')}`,
      project_key: `PRJ-${String(i % 389).padStart(5, '0')}`,
      work_date: `2026-02-${String(day).padStart(2, '0')}`,
      hours: ((i % 16) + 1) / 2,
      billable: i % 5 !== 0,
      status: STATUSES[i % 4],
      bill_rate: `${100 + (i % 90)}.50`,
      currency: 'USD',
      approved_at: `2026-03-${String(day).padStart(2, '0')}T12:00:00Z`,
    }) + '\n'
  )
}

const LINES = Math.ceil(MIN_BODY_BYTES / Buffer.byteLength(line(0))) + 50_000

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN)
  return kb / 1024
}

describe('a body larger than the heap', () => {
  let child: ChildProcess | undefined
  let stderr = ''
  const dataDir = tempDir('cw-stream-')
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await exited
      }
    }
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it(
    `streams ${Math.round(MIN_BODY_BYTES / 2 ** 20)}+ MB of NDJSON into a server with a ${HEAP_MB} MB heap`,
    async () => {
      child = spawn(process.execPath, [CLI, 'serve', '--data', dataDir, '--port', '0'], {
        cwd: ROOT,
        env: { ...process.env, NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}`, CROSSWALK_ADMIN_TOKEN: ADMIN, CROSSWALK_DETECT_INTERVAL: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      child.stderr!.on('data', (d) => { stderr += d; if (process.env.CROSSWALK_DERIVED_TRACE) process.stdout.write(String(d)) })
      const url = await new Promise<string>((resolve, reject) => {
        let out = ''
        const timer = setTimeout(() => reject(new Error(`server did not start; stdout: ${out} stderr: ${stderr}`)), 60_000)
        child!.stdout!.on('data', (d) => {
          out += d
          const m = /Crosswalk .*?(http:\/\/\S+)/.exec(out)
          if (m) {
            clearTimeout(timer)
            resolve(m[1])
          }
        })
        child!.once('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)))
      })
      const pid = child.pid!
      const baseline = rssMb(pid)

      let peak = baseline
      const sampler = setInterval(() => {
        try {
          peak = Math.max(peak, rssMb(pid))
        } catch {
          // exited; the request fails and says so
        }
      }, 100)

      let sent = 0
      const body = Readable.from(
        (async function* () {
          let buf = ''
          for (let i = 0; i < LINES; i++) {
            buf += line(i)
            if (buf.length >= 64 * 1024) {
              sent += Buffer.byteLength(buf)
              yield buf
              buf = ''
            }
          }
          sent += Buffer.byteLength(buf)
          yield buf
        })(),
      )

      const started = Date.now()
      const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request(
          `${url}/api/v1/ingest/kantata/time_entry?batch=stream-1&observed_at=2026-03-10T00:00:00Z`,
          {
            method: 'POST',
            headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/x-ndjson' },
          },
          (res) => {
            let t = ''
            res.setEncoding('utf8')
            res.on('data', (d) => (t += d))
            res.on('end', () => resolve({ status: res.statusCode!, text: t }))
            res.on('error', reject)
          },
        )
        req.on('error', (e) => reject(new Error(`${e.message}; server stderr: ${stderr}`)))
        body.pipe(req)
      })
      const seconds = (Date.now() - started) / 1000
      clearInterval(sampler)
      peak = Math.max(peak, rssMb(pid))

      console.log(
        `streamed ${(sent / 2 ** 20).toFixed(0)} MB, ${LINES} lines in ${seconds.toFixed(1)} s ` +
          `(${Math.round(LINES / seconds)} rows/s); server RSS ${baseline.toFixed(0)} MB at start, peak ${peak.toFixed(0)} MB (heap limit ${HEAP_MB} MB)`,
      )
      expect(sent).toBeGreaterThan(MIN_BODY_BYTES)
      expect(status, `${text}\n${stderr}`).toBe(200)
      expect(JSON.parse(text)).toMatchObject({ batch: 'stream-1', accepted: LINES, rejected: 0, duplicate: false, errors: [] })
      expect(peak).toBeLessThan(MAX_RSS_MB)

      // Everything landed and is visible.
      const r = await api(url, '/api/v1/sources')
      expect(r.status).toBe(200)
      expect(r.body.items.find((s: { system: string }) => s.system === 'kantata').entities.time_entry.records).toBe(LINES)
    },
    150_000,
  )
})
