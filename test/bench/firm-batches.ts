// The batches ledger of the bench firm: one row per batch, as the ingest path commits them
// (server/ingest/pipeline.ts), written last so that nothing is visible before the seed is done.
import crypto from 'node:crypto'
import type { Db } from '../../server/db/client.ts'
import { chTime } from './firm-plan.ts'

export interface OpenBatch { uid: string; system: string; entity: string; batchId: string; mode: 'delta' | 'full'; observedAt: number; receivedAt: string }

export class Batches {
  readonly list: OpenBatch[] = []
  private readonly seen = new Map<number, number>()
  constructor(private readonly salt: string) {}

  /**
   * A batch observed at `observedAt`: a uid derived from the firm's seed (deterministic) and an
   * arrival four minutes after the observation (+1 ms per batch observed at the same instant), so
   * arrivals follow observations.
   */
  open(system: string, entity: string, mode: 'delta' | 'full', observedAt: number): OpenBatch {
    const batchId = `${entity}-${new Date(observedAt).toISOString().slice(0, 16).replace(/[-:]/g, '')}`
    const existing = this.list.find((b) => b.system === system && b.batchId === batchId)
    if (existing) return existing
    const h = crypto.createHash('sha256').update(`${this.salt}/${system}/${batchId}`).digest('hex')
    const uid = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
    const n = this.seen.get(observedAt) ?? 0
    this.seen.set(observedAt, n + 1)
    const b: OpenBatch = { uid, system, entity, batchId, mode, observedAt, receivedAt: `${chTime(observedAt + 240_000 + n)}000` }
    this.list.push(b)
    return b
  }

  /** Counts each batch's rows and commits them all: the entity rows become visible. */
  async commit(db: Db): Promise<Record<string, number>> {
    const accepted = new Map<string, number>()
    const counts: Record<string, number> = {}
    for (const entity of new Set(this.list.map((b) => b.entity))) {
      const rs = await db.client.query({
        query: `SELECT batch_uid, count() AS n, countIf(NOT deleted) AS live FROM entity_${entity} GROUP BY batch_uid`,
        format: 'JSONEachRow',
        clickhouse_settings: { max_threads: 2 },
      })
      for (const r of await rs.json<{ batch_uid: string; n: string; live: string }>()) {
        accepted.set(r.batch_uid, Number(r.n))
        counts[entity] = (counts[entity] ?? 0) + Number(r.live)
      }
    }
    await db.client.insert({
      table: 'batches',
      format: 'JSONEachRow',
      values: this.list.map((b) => ({
        batch_uid: b.uid, system: b.system, entity: b.entity, batch_id: b.batchId, mode: b.mode,
        snapshot_id: b.mode === 'full' ? b.uid : null, part: null, last_part: b.mode === 'full', observed_at: chTime(b.observedAt),
        received_at: b.receivedAt, accepted: accepted.get(b.uid) ?? 0, rejected: 0, deleted: 0, source: 'api',
      })),
    })
    return counts
  }
}
