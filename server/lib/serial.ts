// One way to run work one at a time: Serial (one queue) and KeyedSerial (one queue per key, gone
// once idle), on p-queue. A task's failure is its caller's; it never stops the tasks after it.
import PQueue from 'p-queue'

export class Serial {
  private queue = new PQueue({ concurrency: 1 })

  /** Runs `fn` after every task queued before it. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue.add(fn, { throwOnTimeout: true })
  }

  /** Resolves once nothing is queued or running, including tasks queued meanwhile. */
  idle(): Promise<void> {
    return this.queue.onIdle()
  }
}

export class KeyedSerial {
  private queues = new Map<string, PQueue>()

  /** Runs `fn` after every task queued before it under the same key. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let queue = this.queues.get(key)
    if (!queue) this.queues.set(key, (queue = new PQueue({ concurrency: 1 })))
    try {
      return await queue.add(fn, { throwOnTimeout: true })
    } finally {
      if (queue.size === 0 && queue.pending === 0 && this.queues.get(key) === queue) this.queues.delete(key)
    }
  }

  /** Whether a task runs or waits under `key`. */
  busy(key: string): boolean {
    return this.queues.has(key)
  }

  get size(): number {
    return this.queues.size
  }
}
