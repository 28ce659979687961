// Answers of the dashboard's reads, shared by everyone asking the same thing. Safe by design:
// every entry is keyed by the data generation, which each write bumps before it is answered
// (a committed batch, a detection run, a triage action, a settings save: any request that
// changes something), so no entry outlives the data it was computed from. Identical requests
// in flight share one computation, so fifty people opening the overview run its queries once.
import { LRUCache } from 'lru-cache'
import { toChDateTime } from '../lib/time.ts'
import { stringify } from '../lib/json.ts'

interface Entry {
  value: unknown
  /** Epoch ms after which the answer may differ although nothing was written (an SLA passing). */
  until: number
  size: number
}

export interface CacheStats {
  generation: number
  entries: number
  hits: number
  misses: number
  shared: number
}

export class ReadCache {
  private generation = 0
  private lru: LRUCache<string, Entry>
  private inflight = new Map<string, Promise<unknown>>()
  /** The latest observed_at committed (epoch ms): reads "as of now" after it all agree. */
  private maxObserved = 0
  private stats = { hits: 0, misses: 0, shared: 0 }

  constructor(private opts: { maxEntries?: number; maxBytes?: number; enabled?: boolean; now?: () => number } = {}) {
    this.lru = new LRUCache<string, Entry>({
      max: opts.maxEntries ?? 5_000,
      maxSize: opts.maxBytes ?? 64 << 20,
      sizeCalculation: (e) => Math.max(1, e.size),
    })
  }

  /** Something was written: every cached answer is from before it. */
  bump(observedAt?: string): void {
    this.generation++
    if (observedAt) this.observed(observedAt)
  }

  /** Records a committed batch's observed_at (ClickHouse UTC text or ISO). */
  observed(at: string): void {
    const ms = Date.parse(at.includes('T') ? at : `${at.replace(' ', 'T')}Z`)
    if (ms > this.maxObserved) this.maxObserved = ms
  }

  /**
   * The part of a cache key that stands for `as_of`. An explicit as_of is itself. "Now" is the
   * date: two reads as of now on the same day see the same data unless something was written
   * (the generation) or a batch is dated after now (then each read is its own).
   */
  asOfKey(asOf: Date, explicit: boolean): string {
    if (explicit) return asOf.toISOString()
    const now = asOf.getTime()
    return this.maxObserved <= now ? `now:${toChDateTime(asOf).slice(0, 10)}` : asOf.toISOString()
  }

  /**
   * The answer for `key`, computed at most once per generation (and once at a time). `until`
   * (epoch ms) bounds how long it holds when time alone can change it.
   */
  async get<T>(key: string, compute: () => Promise<T>, until: (value: T) => number = () => Infinity): Promise<T> {
    const k = `${this.generation}\u0000${key}`
    const now = this.opts.now?.() ?? Date.now()
    const hit = this.opts.enabled === false ? undefined : this.lru.get(k)
    if (hit && hit.until > now) {
      this.stats.hits++
      return hit.value as T
    }
    const running = this.inflight.get(k)
    if (running) {
      this.stats.shared++
      return running as Promise<T>
    }
    this.stats.misses++
    const p = compute().then((value) => {
      if (this.opts.enabled !== false) this.lru.set(k, { value, until: until(value), size: approximateSize(value) })
      return value
    })
    this.inflight.set(k, p)
    try {
      return await p
    } finally {
      this.inflight.delete(k)
    }
  }

  /**
   * The JSON text of an answer (lib/json.ts, decimals exact), kept as text: a hit costs no
   * serialization, which is most of a cached read's time for long lists.
   */
  text<T>(key: string, compute: () => Promise<T>, until: (value: T) => number = () => Infinity): Promise<Buffer> {
    let deadline = Infinity
    return this.get(
      `text|${key}`,
      async () => {
        const value = await compute()
        deadline = until(value)
        // Kept as UTF-8 bytes: a hit then costs no encoding either (long lists are ~1 MB).
        return Buffer.from(stringify(value))
      },
      () => deadline,
    )
  }

  status(): CacheStats {
    return { generation: this.generation, entries: this.lru.size, ...this.stats }
  }
}

/** Bytes of an answer, roughly: its JSON length (decimals are short strings either way). */
function approximateSize(value: unknown): number {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value.length
  try {
    return JSON.stringify(value)?.length ?? 1
  } catch {
    return 1
  }
}
