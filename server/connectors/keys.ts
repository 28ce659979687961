// Native id → canonical key of what a source's connector has read, for references by native id
// ({ref: ENTITY}) and deletion feeds; and the records waiting for a reference's target.
import type { Db } from '../db/client.ts'
import { insertRows, queryRows } from '../db/query.ts'
import { sqlFile } from '../db/sql-files.ts'
import type { Clock } from '../lib/clock.ts'
import { toChDateTime } from '../lib/time.ts'

export class KeyBook {
  private readonly known = new Map<string, Map<string, string>>()
  private fresh: Array<{ entity: string; native_id: string; key: string }> = []
  private waits: Array<{ entity: string; native_id: string; native: string }> = []

  constructor(
    private readonly db: Db,
    private readonly system: string,
    private readonly clock: Clock,
  ) {}

  private async of(entity: string): Promise<Map<string, string>> {
    let m = this.known.get(entity)
    if (!m) {
      const rows = await queryRows<{ native_id: string; key: string }>(this.db, 'connectors.keys', sqlFile('connectors/keys.sql'), { system: this.system, entity })
      m = new Map(rows.map((r) => [r.native_id, r.key]))
      // What this run learnt but has not flushed yet is newer than the engine's.
      for (const k of this.fresh) if (k.entity === entity) m.set(k.native_id, k.key)
      this.known.set(entity, m)
    }
    return m
  }

  async lookup(entity: string, nativeId: string): Promise<string | undefined> {
    return (await this.of(entity)).get(nativeId)
  }

  remember(entity: string, nativeId: string, key: string): void {
    const m = this.known.get(entity)
    if (m?.get(nativeId) === key) return
    m?.set(nativeId, key)
    // Not loaded yet: the flush stores it; the next lookup loads it from the engine.
    this.fresh.push({ entity, native_id: nativeId, key })
  }

  wait(entity: string, nativeId: string, native: unknown): void {
    this.waits.push({ entity, native_id: nativeId, native: JSON.stringify(native) })
  }

  /**
   * A record read again with every reference resolved: if an older version of it was waiting,
   * it waits no more (re-sending that older version later would overwrite the newer one).
   */
  async complete(entity: string, nativeId: string): Promise<void> {
    this.pendingIds ??= await this.loadPendingIds()
    const id = `${entity}\u0000${nativeId}`
    if (!this.pendingIds.delete(id)) return
    this.waits = this.waits.filter((w) => w.entity !== entity || w.native_id !== nativeId)
    this.done.push({ entity, native_id: nativeId })
  }

  private pendingIds: Set<string> | undefined
  private done: Array<{ entity: string; native_id: string }> = []

  private async loadPendingIds(): Promise<Set<string>> {
    const rows = await queryRows<{ entity: string; native_id: string }>(this.db, 'connectors.pending', sqlFile('connectors/pending.sql'), { system: this.system })
    return new Set(rows.map((r) => `${r.entity}\u0000${r.native_id}`))
  }

  /** Stores what this page taught, before its cursor is saved. */
  async flush(): Promise<void> {
    const at = toChDateTime(this.clock.now())
    if (this.fresh.length) await insertRows(this.db, 'connector_keys', this.fresh.map((k) => ({ system: this.system, ...k, saved_at: at })))
    if (this.waits.length) await insertRows(this.db, 'connector_pending', this.waits.map((w) => ({ system: this.system, ...w, resolved: false, saved_at: at })))
    if (this.done.length) await insertRows(this.db, 'connector_pending', this.done.map((d) => ({ system: this.system, ...d, native: '', resolved: true, saved_at: at })))
    for (const w of this.waits) this.pendingIds?.add(`${w.entity}\u0000${w.native_id}`)
    for (const k of this.fresh) this.known.get(k.entity)?.set(k.native_id, k.key)
    this.fresh = []
    this.waits = []
    this.done = []
  }

  /** Every record of the source still waiting, by entity. */
  async waiting(): Promise<Map<string, Array<{ nativeId: string; native: unknown }>>> {
    await this.flush()
    const rows = await queryRows<{ entity: string; native_id: string; native: string }>(this.db, 'connectors.pending', sqlFile('connectors/pending.sql'), { system: this.system })
    const out = new Map<string, Array<{ nativeId: string; native: unknown }>>()
    for (const r of rows) {
      const list = out.get(r.entity) ?? []
      list.push({ nativeId: r.native_id, native: JSON.parse(r.native) as unknown })
      out.set(r.entity, list)
    }
    return out
  }

  async resolved(entity: string, nativeIds: string[]): Promise<void> {
    const at = toChDateTime(this.clock.now())
    await insertRows(this.db, 'connector_pending', nativeIds.map((native_id) => ({ system: this.system, entity, native_id, native: '', resolved: true, saved_at: at })))
  }
}
