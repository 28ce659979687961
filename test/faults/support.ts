// The fault suite's pieces: a Crosswalk server in a child process (so it can be killed with
// SIGKILL), a seeded random source (CROSSWALK_FAULT_SEED reproduces a run; the seed is printed),
// and "start an operation, kill the server at a random point, say whether it was acknowledged".
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ADMIN } from '../helpers/server.ts'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const CLI = path.join(ROOT, 'server/cli/crosswalk.mjs')

/** mulberry32: small, seeded, good enough to pick kill points. */
export function seeded(label: string) {
  const seed = Number(process.env.CROSSWALK_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31))
  console.log(`[faults] ${label}: seed ${seed} (CROSSWALK_FAULT_SEED=${seed} reproduces it)`)
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { seed, next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) }
}

export interface Child {
  url: string
  proc: ChildProcess
  stderr: () => string
  /** SIGKILL; resolves once the process is gone. */
  kill(): Promise<void>
  /** SIGTERM (a clean stop); resolves once the process is gone. */
  stop(): Promise<void>
}

export async function spawnServer(dataDir: string, env: Record<string, string> = {}, args: string[] = []): Promise<Child> {
  const proc = spawn(process.execPath, [CLI, 'serve', '--data', dataDir, '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, CROSSWALK_ADMIN_TOKEN: ADMIN, CROSSWALK_DETECT_INTERVAL: '0', NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  proc.stdout!.on('data', (d) => (out += d))
  proc.stderr!.on('data', (d) => (err += d))
  const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', () => {
      const m = /Crosswalk .*?(http:\/\/\S+)/.exec(out)
      if (m) resolve(m[1])
    })
    void gone.then(() => reject(new Error(`the server exited before it was up; stderr: ${err}`)))
  })
  const signal = (s: NodeJS.Signals) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(s)
    return gone
  }
  return { url, proc, stderr: () => err, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') }
}

export type Outcome<T> = { acked: true; value: T } | { acked: false; error: unknown }

/**
 * Runs `op` and kills the server `afterMs` after it starts (the random point). Acknowledged
 * means the operation's answer arrived, and was a success, before the kill.
 */
export async function killDuring<T>(server: Child, afterMs: number, op: () => Promise<T>, ok: (v: T) => boolean): Promise<Outcome<T>> {
  const running = op().then(
    (value): Outcome<T> => (ok(value) ? { acked: true, value } : { acked: false, error: value }),
    (error): Outcome<T> => ({ acked: false, error }),
  )
  const timer = setTimeout(() => void server.kill(), afterMs)
  const outcome = await running
  clearTimeout(timer)
  await server.kill()
  return outcome
}
