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
 * Line buffers reused across requests, so steady ingest allocates nothing: at most `max` are
 * kept, and released ones go to the next request. Taking one never waits: a request fills its
 * buffer only as fast as its client sends, so a pool that made others wait for a buffer let
 * stalled uploads hold up everyone else's ingest (issue 18). A request that finds none spare
 * gets a buffer of its own that starts small and grows with what its client actually sent
 * (each request holds at most two: one filling, one being written), dropped after use.
 */
export class LineBufferPool {
  private idle: LineBuffer[] = []
  private pooled = new WeakSet<LineBuffer>()
  private made = 0

  constructor(
    private readonly max: number,
    private readonly initialBytes: number,
  ) {}

  async acquire(): Promise<LineBuffer> {
    const b = this.idle.pop()
    if (b) return b
    if (this.made >= this.max) return new LineBuffer(Math.min(this.initialBytes, 64 * 1024)) // outside the pool
    this.made++
    const fresh = new LineBuffer(this.initialBytes)
    this.pooled.add(fresh)
    return fresh
  }

  release(b: LineBuffer): void {
    if (!this.pooled.has(b)) return
    b.clear()
    this.idle.push(b)
  }
}
