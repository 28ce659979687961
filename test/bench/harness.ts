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

export async function spawnServer(dataDir: string, extraEnv: Record<string, string> = {}, args: string[] = []): Promise<ChildServer> {
  // BENCH_SERVER_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the server.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const proc = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'server/cli/crosswalk.mjs'), 'serve', '--data', dataDir, '--port', '0', ...args], {
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
        if (process.env.BENCH_THREADS) console.error(`server CPU by thread: ${threadCpu(proc.pid!)}`)
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

/** CPU seconds of a process by thread name (BENCH_THREADS=1): which part of the server is busy. */
export function threadCpu(pid: number): string {
  const byName = new Map<string, number>()
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
    const name = tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    byName.set(name, (byName.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) / 100)
  }
  return [...byName].filter(([, v]) => v >= 0.1).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')
}
