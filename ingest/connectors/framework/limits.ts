// Waiting primitives of a source, all on the injected Clock so tests never sleep for real.
import type { Clock } from '../../../server/lib/clock.ts'

/** Token bucket: `capacity` requests, refilled evenly over `perMs` (Harvest: 100 per 15 s). */
export class TokenBucket {
  private tokens: number
  private at: number

  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
    private readonly clock: Clock,
  ) {
    this.tokens = capacity
    this.at = clock.now().getTime()
  }

  async take(): Promise<void> {
    for (;;) {
      const now = this.clock.now().getTime()
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) * this.capacity) / this.perMs)
      this.at = now
      if (this.tokens >= 1) {
        this.tokens -= 1
        return
      }
      await this.clock.sleep(Math.ceil(((1 - this.tokens) * this.perMs) / this.capacity))
    }
  }
}

/** A pause that holds back every request of a source (Retry-After applies to the tenant, and
 *  Dataverse lengthens the penalty of clients that keep sending while told to wait). */
export class SourcePause {
  private until = 0

  constructor(private readonly clock: Clock) {}

  pauseFor(ms: number): void {
    this.until = Math.max(this.until, this.clock.now().getTime() + ms)
  }

  get pausedUntil(): Date | null {
    return this.until > this.clock.now().getTime() ? new Date(this.until) : null
  }

  async wait(): Promise<void> {
    for (let left = this.until - this.clock.now().getTime(); left > 0; left = this.until - this.clock.now().getTime()) {
      await this.clock.sleep(left)
    }
  }
}

/** Retry-After is delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (!value) return undefined
  const v = value.trim()
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000)
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime())
}
