// Lines appended straight into one growing byte buffer. Used where a hot path formats many
// rows for one insert: holding them as strings until a join would keep every row (and every
// value it was built from) alive on the JS heap until the insert, which turns cheap young-
// generation collections into full ones. Written bytes live outside the heap.
export class LineBuffer {
  private buf: Buffer
  private len = 0
  lines = 0

  constructor(private readonly initialBytes = 1 << 20) {
    this.buf = Buffer.allocUnsafe(initialBytes)
  }

  /** Appends `text` and a newline. */
  push(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const need = this.len + text.length * 3 + 1
    if (need > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2))
      this.buf.copy(next, 0, 0, this.len)
      this.buf = next
    }
    this.len += this.buf.write(text, this.len)
    this.buf[this.len++] = 10
    this.lines++
  }

  get byteLength(): number {
    return this.len
  }

  /** Appends with `fill`; if it throws, what it had written is dropped and the error goes on. */
  append(fill: (out: LineBuffer) => void): void {
    const len = this.len
    const lines = this.lines
    try {
      fill(this)
    } catch (e) {
      this.len = len
      this.lines = lines
      throw e
    }
  }

  /** Empties the buffer for reuse; one that a large batch grew is given back. */
  clear(): void {
    this.len = 0
    this.lines = 0
    if (this.buf.length > 4 * this.initialBytes) this.buf = Buffer.allocUnsafe(this.initialBytes)
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.len)
  }
}

/**
 * A bounded set of line buffers shared by concurrent requests: however many batches arrive at
 * once, their formatted rows normally hold at most `max` buffers, and a request waits briefly for
 * one (its body stays in the socket, which slows the client) rather than growing the process.
 * Buffers come back after their insert and are reused, so steady ingest allocates nothing. A
 * request that waited `maxWaitMs` gets a buffer of its own instead: clients that stall mid-body
 * while holding pooled buffers must not stop everyone else's ingest.
 */
export class LineBufferPool {
  private idle: LineBuffer[] = []
  private pooled = new WeakSet<LineBuffer>()
  private inUse = 0
  private waiting: Array<(b: LineBuffer) => void> = []

  constructor(
    private readonly max: number,
    private readonly initialBytes: number,
    private readonly maxWaitMs = 1_000,
  ) {}

  async acquire(): Promise<LineBuffer> {
    if (this.inUse < this.max) {
      this.inUse++
      let b = this.idle.pop()
      if (!b) this.pooled.add((b = new LineBuffer(this.initialBytes)))
      return b
    }
    return new Promise((resolve) => {
      const take = (b: LineBuffer) => {
        clearTimeout(timer)
        resolve(b)
      }
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(take), 1)
        resolve(new LineBuffer(this.initialBytes)) // outside the pool: dropped on release
      }, this.maxWaitMs)
      this.waiting.push(take)
    })
  }

  release(b: LineBuffer): void {
    if (!this.pooled.has(b)) return
    b.clear()
    const next = this.waiting.shift()
    if (next) return next(b)
    this.inUse--
    this.idle.push(b)
  }
}
