// Group commit: rows of requests that arrive while a commit is running are committed together
// by the next one, and each request resolves once its own rows are committed. Many small
// requests then cost one commit (an insert, an fdatasync) per group instead of one each. Rows
// are formatted into the group's buffer as soon as a request arrives, so its decoded objects
// die young instead of waiting (and being promoted to the old generation) for the commit.
import { LineBuffer } from './line-buffer.ts'
import { Serial } from '../lib/serial.ts'

export class GroupCommit {
  // Two buffers: one fills while the other is committed.
  private filling = new LineBuffer(1 << 20)
  private spare = new LineBuffer(1 << 20)
  private waiting: Array<(e?: unknown) => void> = []
  private queued = false
  private ops = new Serial()

  /** `commit` gets the group's rows (one per line); it is never called twice at once. */
  constructor(private readonly commit: (rows: Buffer) => Promise<void>) {}

  /** Adds the rows `fill` writes to the next group; resolves once that group is committed. */
  write(fill: (out: LineBuffer) => void): Promise<void> {
    // A request whose rows cannot all be written leaves none behind for the next group.
    this.filling.append(fill)
    const committed = new Promise<void>((resolve, reject) => this.waiting.push((e) => (e ? reject(e) : resolve())))
    if (!this.queued) {
      this.queued = true
      void this.serial(() => this.commitGroup())
    }
    return committed
  }

  /** Runs `op` between commits, after those already queued. */
  serial<T>(op: () => Promise<T>): Promise<T> {
    return this.ops.run(op)
  }

  private async commitGroup(): Promise<void> {
    this.queued = false
    const group = this.waiting.splice(0)
    const buf = this.filling
    this.filling = this.spare
    try {
      await this.commit(buf.bytes())
      for (const done of group) done()
    } catch (e) {
      for (const done of group) done(e)
    }
    buf.clear()
    this.spare = buf
  }
}
