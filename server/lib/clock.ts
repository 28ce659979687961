// Time as a dependency: the server reads "now" and waits through a Clock, so tests drive
// schedules, backoff and expiry without sleeping or racing the wall clock.

export interface Clock {
  now(): Date
  /** Resolves after `ms` of this clock's time. */
  sleep(ms: number): Promise<void>
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

/**
 * A clock for tests: time moves only when something sleeps on it or the test calls advance().
 * A sleep resolves at once (on the next turn of the event loop) and moves time forward by its
 * length; every requested sleep is recorded so a test can check a backoff schedule exactly.
 */
export class ManualClock implements Clock {
  readonly sleeps: number[] = []
  private ms: number

  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    this.ms = new Date(start).getTime()
  }

  now(): Date {
    return new Date(this.ms)
  }

  advance(ms: number): void {
    this.ms += ms
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms)
    this.ms += ms
    return new Promise((resolve) => setImmediate(resolve))
  }
}
