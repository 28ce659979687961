// Whether a write can succeed now, for GET /health: a tiny insert into the engine and, on the
// embedded engine, a tiny synced file in the data dir (the span log and scratch files live
// there). A success stands for 10 s of the injected clock, since health is polled; concurrent
// callers share one probe. Failures are told in our own words: no engine text or path reaches the answer.
import crypto from 'node:crypto'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Db } from '../db/client.ts'
import { command } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import type { Clock } from '../lib/clock.ts'
import { toChDateTime } from '../lib/time.ts'

export interface ProbeResult {
  ok: boolean
  checked_at: string
  /** Why writes fail, as a sentence; null when they succeed. */
  problem: string | null
}

/** How long a probe's answer stands before the next health request probes again. */
export const PROBE_INTERVAL_MS = 10_000

export class WriteProbe {
  private last: { at: number; result: ProbeResult } | null = null
  private running: Promise<ProbeResult> | null = null
  private readonly server = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly intervalMs = PROBE_INTERVAL_MS,
  ) {}

  check(): Promise<ProbeResult> {
    const now = this.clock.now().getTime()
    // A success stands for a while; a failure is probed again at once, so recovery shows at once.
    if (this.last?.result.ok && now - this.last.at < this.intervalMs) return Promise.resolve(this.last.result)
    this.running ??= this.probe(now).finally(() => (this.running = null))
    return this.running
  }

  private async probe(now: number): Promise<ProbeResult> {
    const at = new Date(now)
    let problem: string | null = null
    try {
      if (this.db.dataDir) await probeDisk(this.db.dataDir)
      await command(this.db, 'health.probe', sqlFile('health/probe.sql'), { server: this.server, at: toChDateTime(at) })
    } catch (e) {
      problem = describe(e)
    }
    const result = { ok: problem === null, checked_at: at.toISOString(), problem }
    this.last = { at: now, result }
    return result
  }
}

/** Writes, syncs and removes a small file in the data dir. */
async function probeDisk(dir: string): Promise<void> {
  const file = path.join(dir, `.health-probe-${process.pid}`)
  const fh = await fsp.open(file, 'w', 0o600)
  try {
    await fh.writeFile(Buffer.alloc(4096, 1))
    await fh.datasync()
  } finally {
    await fh.close()
    await fsp.rm(file, { force: true })
  }
}

/** The cause of a failed write as a sentence an operator can act on. */
export function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code
  const text = `${code ?? ''} ${String((e as Error)?.message ?? e)}`
  if (/ENOSPC|NOT_ENOUGH_SPACE|No space left|Cannot reserve .* space|not enough space/i.test(text))
    return 'The data disk is full: no write can succeed until space is freed.'
  if (/EROFS|EACCES|EPERM|read-only|readonly|Permission denied/i.test(text)) return 'The data directory is read-only: no write can succeed.'
  return 'Writes to storage fail: ingest, detection and settings cannot be saved until storage recovers.'
}
