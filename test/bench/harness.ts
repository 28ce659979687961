// Shared pieces of `npm run bench`: a server in a child process (so its RSS is its own) and
// an RSS sampler.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const TOKEN = 'bench-admin-token'

export interface ChildServer {
  url: string
  proc: ChildProcess
  stop(): Promise<void>
}

export async function spawnServer(dataDir: string, extraEnv: Record<string, string> = {}): Promise<ChildServer> {
  // BENCH_SERVER_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the server.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const proc = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'server/cli/crosswalk.mjs'), 'serve', '--data', dataDir, '--port', '0'], {
    env: { ...process.env, CROSSWALK_ADMIN_TOKEN: TOKEN, CROSSWALK_DETECT_INTERVAL: '0', ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    proc.stdout!.on('data', (d) => {
      out += d
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m) resolve(m[1])
    })
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)))
  })
  return {
    url,
    proc,
    stop: () =>
      new Promise((r) => {
        proc.once('exit', () => r())
        proc.kill('SIGTERM')
      }),
  }
}

export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : 0
  } catch {
    return 0
  }
}

/** Samples a process's RSS every 100 ms; `stop()` returns the peak in MB. */
export function sampleRss(pid: number) {
  let peak = rssMb(pid)
  const t = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100)
  return {
    stop() {
      clearInterval(t)
      return Math.max(peak, rssMb(pid))
    },
  }
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
