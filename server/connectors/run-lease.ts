// One pull per source across servers on one engine: the per-source lease (server/db/lease.ts),
// what to answer when another server holds it, and the run a stopped server left `running`.
import type { Db } from '../db/client.ts'
import type { Clock } from '../lib/clock.ts'
import { connectorLease, type Lease } from '../db/lease.ts'
import { AppError } from '../lib/errors.ts'
import { listRuns, type Run } from './runs.ts'

export class SourceLeases {
  private readonly leases = new Map<string, Lease>()

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** A run a stopped server left `running`, found on taking its source's lease: mark it failed. */
    private readonly onAbandoned?: (run: Run) => Promise<void>,
  ) {}

  of(system: string): Lease {
    let l = this.leases.get(system)
    if (!l) this.leases.set(system, (l = connectorLease(this.db, system, { clock: this.clock })))
    return l
  }

  /**
   * Takes the source's lease for `runId`: the lease, or the run another server is doing (answered
   * as a second request here would be). A run the last holder abandoned is handed to onAbandoned.
   */
  async acquire(system: string, runId: string): Promise<{ lease: Lease } | { other: Run }> {
    const lease = this.of(system)
    const got = await lease.tryAcquire(runId)
    if ('holder' in got) {
      const [other] = got.run_id ? await listRuns(this.db, system, 1, got.run_id) : []
      if (!other) throw new AppError(409, 'pull_running', `A pull of ${system} is starting on another Crosswalk server. Try again when it ends.`)
      return { other }
    }
    if (got.abandoned) {
      try {
        const [run] = await listRuns(this.db, system, 1, got.abandoned)
        if (run?.status === 'running') await this.onAbandoned?.(run)
      } catch (e) {
        await lease.release().catch(() => {})
        throw e
      }
    }
    return { lease }
  }

  /** Holds the lease, renewed, while `work` runs; gives it up after. */
  async hold<T>(lease: Lease, work: () => Promise<T>): Promise<T> {
    const renew = setInterval(() => void lease.renew().catch(() => {}), lease.ttlMs / 3)
    renew.unref()
    try {
      return await work()
    } finally {
      clearInterval(renew)
      await lease.release().catch(() => {})
    }
  }
}
