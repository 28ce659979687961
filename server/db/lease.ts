// Leases: one holder at a time of some work across every Crosswalk server on one engine (one
// detection run: detection_lease, migration 0014; named work such as one pull per source or one
// digest pass: work_lease, 0020).
// A claim of version N+1 is an insert deduplicated by the token '<prefix>-<N+1>', so exactly one
// claimant wins it; the winner reads itself back. The holder renews by taking the next version; a
// lease past expires_at (on the injected clock) may be taken by anyone.
import crypto from 'node:crypto'
import os from 'node:os'
import type { Db } from './client.ts'
import { command, queryRows } from './query.ts'
import { sqlFile } from './sql-files.ts'
import { systemClock, type Clock } from '../lib/clock.ts'
import { chToIso, toChDateTime } from '../lib/time.ts'

export interface LeaseOptions {
  clock?: Clock
  /** How long a claim holds without renewal: a crashed server blocks the others this long at most. */
  ttlMs?: number
  /** How often a waiting request looks again. */
  pollMs?: number
}

interface State {
  version: string
  holder: string
  run_id: string
  expires_at: string
}

/** Where a lease lives: its SQL (sql/<dir>/lease_{state,claim,holder}.sql), their extra parameters, and the token prefix. */
export interface LeaseTable {
  /** What it guards, for messages: 'detection', 'the netsuite pull'. */
  what: string
  dir: string
  params: Record<string, string>
  tokenPrefix: string
}

export class LeaseLost extends Error {
  constructor(what = 'detection') {
    super(`Another Crosswalk server took over the ${what} lease; this run stopped before writing more.`)
  }
}

/** Who holds a lease another server holds and has not let expire. */
export interface HeldElsewhere {
  holder: string
  run_id: string
}

export class Lease {
  readonly holder = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`
  readonly clock: Clock
  readonly ttlMs: number
  private readonly pollMs: number
  private version = 0n
  private expiresAt = 0
  private runId = ''
  private lost = false
  private renewing: Promise<void> | null = null

  constructor(
    private readonly db: Db,
    private readonly table: LeaseTable,
    opts: LeaseOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock
    this.ttlMs = opts.ttlMs ?? 60_000
    this.pollMs = opts.pollMs ?? 500
  }

  /**
   * Waits until this server holds the lease for `runId`. Answers the run id of a holder that
   * stopped without releasing it (its run may need undoing), or null.
   */
  async acquire(runId: string): Promise<string | null> {
    for (;;) {
      const got = await this.tryAcquire(runId)
      if (!('holder' in got)) return got.abandoned
      await this.clock.sleep(this.pollMs)
    }
  }

  /**
   * Takes the lease for `runId` unless another live server holds it: then answers who does.
   * Taken, it answers the run id a holder left unfinished (null when none).
   */
  async tryAcquire(runId: string): Promise<{ abandoned: string | null } | HeldElsewhere> {
    for (;;) {
      const cur = await this.state()
      if (cur && !this.free(cur)) return { holder: cur.holder, run_id: cur.run_id }
      if (await this.claim(BigInt(cur?.version ?? 0) + 1n, runId)) {
        this.runId = runId
        this.lost = false
        return { abandoned: cur?.run_id || null }
      }
      // someone else got that version: look again
    }
  }

  /** Who holds the lease now if it is another live server's (null: free, or this server's). */
  async heldElsewhere(): Promise<HeldElsewhere | null> {
    const cur = await this.state()
    return cur && !this.free(cur) ? { holder: cur.holder, run_id: cur.run_id } : null
  }

  /** Extends the lease by taking its next version; a lost one stops the run at its next write. */
  renew(): Promise<void> {
    // One renewal at a time, and release waits for it: both would claim the same next version.
    this.renewing ??= (async () => {
      if (this.runId && !this.lost && !(await this.claim(this.version + 1n, this.runId))) this.lost = true
    })().finally(() => (this.renewing = null))
    return this.renewing
  }

  /**
   * Throws unless this server still holds the lease (before each write of a run). Past its
   * expiry it renews first: that succeeds only if nobody else took the lease meanwhile.
   */
  async check(): Promise<void> {
    if (!this.lost && this.clock.now().getTime() >= this.expiresAt) await this.renew()
    if (this.lost) throw new LeaseLost(this.table.what)
  }

  /** Gives the lease up; nobody has to wait for it to expire. */
  async release(): Promise<void> {
    await this.renewing?.catch(() => {})
    const runId = this.runId
    this.runId = ''
    if (!runId || this.lost) return
    await this.claim(this.version + 1n, '', 0)
  }

  private free(cur: State): boolean {
    // On the embedded engine this process owns the data dir: any other holder is a dead process.
    if (this.db.engine === 'chdb' || cur.holder === this.holder || cur.run_id === '') return true
    return Date.parse(chToIso(cur.expires_at) ?? '') <= this.clock.now().getTime()
  }

  private async state(): Promise<State | null> {
    const [row] = await queryRows<State>(this.db, `${this.table.dir}.lease_state`, sqlFile(`${this.table.dir}/lease_state.sql`), this.table.params)
    return row ?? null
  }

  private async claim(version: bigint, runId: string, ttlMs = this.ttlMs): Promise<boolean> {
    const expires = this.clock.now().getTime() + ttlMs
    // The embedded engine is one process's (runs are serialised there already), and it applies
    // settings session-wide, so a deduplication token could leak to another insert: the row alone
    // records the run, for undoing it after a crash.
    const token = this.db.engine === 'chdb' ? '' : `${this.table.tokenPrefix}-${version}`
    const { dir, params } = this.table
    await command(
      this.db,
      `${dir}.lease_claim`,
      sqlFile(`${dir}/lease_claim.sql`),
      { ...params, version: version.toString(), holder: this.holder, run_id: runId, expires_at: toChDateTime(new Date(expires)) },
      { insert_deduplication_token: token },
    )
    const [got] = await queryRows<{ holder: string; run_id: string }>(this.db, `${dir}.lease_holder`, sqlFile(`${dir}/lease_holder.sql`), {
      ...params,
      version: version.toString(),
    })
    if (token && (got?.holder !== this.holder || got.run_id !== runId)) return false
    this.version = version
    this.expiresAt = expires
    return true
  }
}

/** The detection lease (one run at a time); a different class only in name. */
export class DetectionLease extends Lease {
  constructor(db: Db, opts: LeaseOptions = {}) {
    super(db, { what: 'detection', dir: 'detect', params: {}, tokenPrefix: 'detection-lease' }, opts)
  }
}

/** A lease on a named piece of work (work_lease). */
function workLease(db: Db, work: string, what: string, opts: LeaseOptions): Lease {
  return new Lease(db, { what, dir: 'leases', params: { work }, tokenPrefix: `lease-${work}` }, opts)
}

/** The lease of one source's pulls. */
export function connectorLease(db: Db, system: string, opts: LeaseOptions = {}): Lease {
  return workLease(db, `pull:${system}`, `${system} pull`, opts)
}

/** The lease of a digest pass: one server sends the digests due. */
export function digestLease(db: Db, opts: LeaseOptions = {}): Lease {
  return workLease(db, 'digests', 'digest', opts)
}

const leases = new WeakMap<Db, DetectionLease>()

/** The one detection lease object of a database handle (a clock given on first use sticks). */
export function leaseFor(db: Db, opts: LeaseOptions = {}): DetectionLease {
  let l = leases.get(db)
  if (!l) leases.set(db, (l = new DetectionLease(db, opts)))
  return l
}
