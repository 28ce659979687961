// The rejected lines of one ingest batch: the answer's first errors, and the dead-letter rows,
// written in bounded chunks. A batch keeps at most MAX_DEAD_LETTERS of them: a few KB of gzip
// can inflate to a million bad lines, and storing each would cost the engine and the server's
// memory for nothing a person could read. The rest are counted, named in one summary dead
// letter and in the answer, and the batch's `rejected` counts them all.
import crypto from 'node:crypto'
import type { Db } from '../db/client.ts'
import { insertRows } from '../db/query.ts'
import type { RawRecord } from './records.ts'
import type { Encoded, FieldError } from './row-codec.ts'
import { redactEngineError } from './redact.ts'

export const MAX_DEAD_LETTERS = 10_000
const MAX_ERRORS = 100
/** Dead letters held before they are written: bounds memory whatever the lines' size. */
const CHUNK_ROWS = 2_000
const CHUNK_BYTES = 8 << 20

export interface BatchInfo {
  system: string
  entity: string
  batchId: string
  batchUid: string
  observedAt: string
  receivedAt: string
}

type Rejection = Extract<Encoded, { ok: false }>

export class Rejects {
  /** Every rejected line, stored or not. */
  count = 0
  readonly errors: Array<{ line: number } & FieldError> = []
  private stored = 0
  private firstUnstored = 0
  private lastUnstored = 0
  private dead: Record<string, unknown>[] = []
  private bytes = 0

  constructor(
    private readonly db: Db,
    private readonly batch: BatchInfo,
  ) {}

  add(rec: RawRecord, v: Rejection): void {
    this.count++
    for (const e of v.errors) if (this.errors.length < MAX_ERRORS) this.errors.push({ line: rec.line, ...e })
    if (this.stored >= MAX_DEAD_LETTERS) {
      this.firstUnstored ||= rec.line
      this.lastUnstored = rec.line
      return
    }
    this.stored++
    this.bytes += rec.text.length
    this.dead.push(this.row(rec.line, v.key, rec.text, v.reason, v.errors))
  }

  get full(): boolean {
    return this.dead.length >= CHUNK_ROWS || this.bytes >= CHUNK_BYTES
  }

  /** Writes what is held (uncommitted: the dead letters show once the batch commits). */
  async flush(): Promise<void> {
    if (!this.dead.length) return
    const chunk = this.dead
    this.dead = []
    this.bytes = 0
    await insertRows(this.db, 'dead_letters', chunk).catch((e) => Promise.reject(redactEngineError(e)))
  }

  /** After the last line: the summary of what was not stored, then the last write. */
  async finish(): Promise<void> {
    const unstored = this.count - this.stored
    if (unstored > 0) {
      const message =
        `${unstored.toLocaleString('en-US')} more rejected lines (lines ${this.firstUnstored}–${this.lastUnstored}) were counted ` +
        `but not kept: a batch keeps at most ${MAX_DEAD_LETTERS.toLocaleString('en-US')} dead letters`
      this.errors.push({ line: this.firstUnstored, field: '', message })
      this.dead.push(this.row(this.firstUnstored, null, '', message, [{ field: '', message }]))
    }
    await this.flush()
  }

  private row(line: number, key: string | null, raw: string, reason: string, errors: FieldError[]) {
    const b = this.batch
    return {
      id: crypto.randomUUID(),
      system: b.system,
      entity: b.entity,
      batch_id: b.batchId,
      batch_uid: b.batchUid,
      line,
      key,
      raw,
      reason,
      errors: JSON.stringify(errors),
      observed_at: b.observedAt,
      received_at: b.receivedAt,
    }
  }
}
