// A pause for every write this process makes to storage, so a backup is one instant: while it
// runs, inserts and commands (DDL, INSERT … SELECT, mutations) wait; reads go on. A write that
// started before the pause finishes first. The span log and ingest keep acknowledging meanwhile
// (their files are on disk); their loads wait like every other write.
import type { ClickHouseClient } from '@clickhouse/client'

export class WriteGate {
  private active = 0
  private closed: Promise<void> | null = null
  private resume: (() => void) | null = null
  private drained: (() => void) | null = null

  /** Runs one write, after any pause. */
  async write<T>(fn: () => Promise<T>): Promise<T> {
    while (this.closed) await this.closed
    this.active++
    try {
      return await fn()
    } finally {
      this.active--
      if (this.active === 0) this.drained?.()
    }
  }

  /**
   * Stops new writes and waits for those in flight, at most `timeoutMs` (a write stuck behind a
   * stalled client must not hold a backup forever); then runs `fn`, then lets writes go on.
   */
  async pause<T>(timeoutMs: number, fn: () => Promise<T>): Promise<T> {
    while (this.closed) await this.closed
    this.closed = new Promise<void>((r) => (this.resume = r))
    try {
      if (this.active > 0) {
        let timer: NodeJS.Timeout | undefined
        const drained = new Promise<void>((r) => (this.drained = r))
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new WritesBusy(this.active)), timeoutMs)
        })
        try {
          await Promise.race([drained, late])
        } finally {
          clearTimeout(timer)
          this.drained = null
        }
      }
      return await fn()
    } finally {
      const resume = this.resume
      this.closed = null
      this.resume = null
      resume?.()
    }
  }

  /** Writes in flight now (for tests and health). */
  get inFlight(): number {
    return this.active
  }
}

export class WritesBusy extends Error {
  constructor(readonly writes: number) {
    super(`${writes} write(s) did not finish in time`)
  }
}

const gates = new WeakMap<ClickHouseClient, WriteGate>()

/**
 * Puts `client`'s writes (insert, command) behind a gate and returns it. The client's own
 * methods are replaced, so every caller (db/query.ts helpers and direct calls alike) passes it.
 */
export function gateWrites(client: ClickHouseClient): WriteGate {
  const existing = gates.get(client)
  if (existing) return existing
  const gate = new WriteGate()
  const insert = client.insert.bind(client)
  const cmd = client.command.bind(client)
  client.insert = ((params: Parameters<typeof insert>[0]) => gate.write(() => insert(params))) as typeof client.insert
  client.command = ((params: Parameters<typeof cmd>[0]) => gate.write(() => cmd(params))) as typeof client.command
  gates.set(client, gate)
  // What the gate itself must run while writes are paused (BACKUP, RESTORE): the raw command.
  ungated.set(gate, cmd)
  return gate
}

const ungated = new WeakMap<WriteGate, ClickHouseClient['command']>()

/** The client's command without the gate: only for the statement a paused gate runs. */
export function rawCommand(gate: WriteGate): ClickHouseClient['command'] {
  const cmd = ungated.get(gate)
  if (!cmd) throw new Error('no gated client')
  return cmd
}
