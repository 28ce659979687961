// In-process rate limits: failed sign-ins per (address, account) and per address, and ingest
// requests per token. A sliding window of timestamps per key, pruned as it goes.
import { systemClock, type Clock } from '../lib/clock.ts'

export class RateLimiter {
  private hits = new Map<string, number[]>()

  constructor(
    private limit: number,
    private windowMs: number,
    private clock: Clock = systemClock,
  ) {}

  private now(): number {
    return this.clock.now().getTime()
  }

  private recent(key: string, now: number): number[] {
    const list = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs)
    if (list.length) this.hits.set(key, list)
    else this.hits.delete(key)
    return list
  }

  /** Seconds until `key` may try again, or 0 when it may now. */
  retryAfter(key: string, now = this.now()): number {
    const list = this.recent(key, now)
    if (list.length < this.limit) return 0
    return Math.max(1, Math.ceil((list[0] + this.windowMs - now) / 1000))
  }

  hit(key: string, now = this.now()): void {
    this.recent(key, now).push(now)
    if (!this.hits.has(key)) this.hits.set(key, [now])
    else if (this.hits.get(key)!.at(-1) !== now) this.hits.get(key)!.push(now)
  }

  /** Counts one request and says whether it is over the limit (seconds to wait, or 0). */
  take(key: string, now = this.now()): number {
    const wait = this.retryAfter(key, now)
    if (!wait) this.hit(key, now)
    return wait
  }

  clear(key: string): void {
    this.hits.delete(key)
  }
}
