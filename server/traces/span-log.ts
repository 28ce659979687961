// A write-ahead log for spans on the embedded engine.
//
// OTLP senders post small batches (the SDK exports 512 spans at a time, the Collector 8,192) and
// each waits for its answer, so inserting what arrives as it arrives makes parts of a few
// thousand spans, and merging those parts costs the engine more than taking the spans in.
// Instead a request's rows are appended to a log segment and synced to disk (one fdatasync for
// every group of requests that arrive together) before it is answered. A segment is loaded into
// otel_traces in the background once it is large or a second old: tens of thousands of spans a
// part. Readers of spans call settle() first, so they read everything that was acknowledged.
//
// A segment left behind by a crash is loaded at the next start. Each load carries the segment's
// name as its deduplication token, so a segment that landed just before the crash is not loaded
// twice; a segment's name is unique to the process that wrote it.
//
// A segment the engine refuses for its rows (a parse error, a value out of range, too many days
// for one insert) is cut into pieces (span-split.ts), each loaded on its own, down to single rows:
// every good row lands, and only a row the engine will not take is set aside in `failed/`, with
// its reason in set-aside.json, until the next start tries it again. state() reports all this.
// The files' side of that (recovery, cuts, set-aside rows) is span-log-segments.ts.
import crypto from 'node:crypto'
import fs from 'node:fs'
import fsp, { type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { GroupCommit } from '../db/group-commit.ts'
import type { LineBuffer } from '../db/line-buffer.ts'
import { firstLine, rootOf, SegmentFiles, SUFFIX, type SpanLogState } from './span-log-segments.ts'
import { PARTITIONS_PER_LOAD, rejectsRows } from './span-split.ts'

export type { SetAside, SpanLogState } from './span-log-segments.ts'

/** Loads one sealed segment; `token` is the same every time the same segment is loaded. */
export type LoadSegment = (file: string, token: string) => Promise<void>

export interface SpanLogLimits {
  /** A segment is sealed (and loaded) once it holds this many bytes… */
  segmentBytes: number
  /** …or once its first row is this old. */
  maxAgeMs: number
  /** Sealed segments waiting to load before writers wait for the loader. */
  maxSealed: number
  /** The wait after a failed load, doubling up to the second value. */
  backoffMs: [number, number]
  /** Days one load may touch (the loader's max_partitions_per_insert_block): past it, rows are cut by day. */
  partitionsPerLoad: number
}

const DEFAULT_LIMITS: SpanLogLimits = { segmentBytes: 16 << 20, maxAgeMs: 1_000, maxSealed: 8, backoffMs: [100, 10_000], partitionsPerLoad: PARTITIONS_PER_LOAD }
const BAD_ATTEMPTS = 3

interface Segment {
  file: string
  fh: FileHandle
  bytes: number
  timer: NodeJS.Timeout
}

export class SpanLog {
  /** Appends (one per group of requests) and seals run one at a time, in order. */
  private readonly group = new GroupCommit((rows) => this.append(rows))
  private segment: Segment | null = null
  private sealed: string[] = []
  private loading: Promise<void> | null = null
  private loaded: Array<() => void> = []
  private failure: unknown = null
  /** Segments whose loads fail: how often, and how many other loads had succeeded before. */
  private failing = new Map<string, { attempts: number; loadsBefore: number }>()
  private loads = 0
  private lastError: SpanLogState['lastError'] = null
  /** Ends the loader's backoff early (at close). */
  private wake: (() => void) | null = null
  private seq = 0
  private closed = false
  private readonly prefix = `${Date.now()}-${crypto.randomBytes(4).toString('hex')}`

  private constructor(
    readonly dir: string,
    private readonly files: SegmentFiles,
    private readonly load: LoadSegment,
    private readonly limits: SpanLogLimits,
    private readonly log: (line: string) => void,
  ) {}

  /** Opens the log in `dir` and starts loading any segments a previous process left behind. */
  static open(dir: string, load: LoadSegment, limits: Partial<SpanLogLimits> = {}, log = (l: string) => console.error(l)): SpanLog {
    fs.mkdirSync(dir, { recursive: true })
    const { files, sealed } = SegmentFiles.recover(dir)
    const l = new SpanLog(dir, files, load, { ...DEFAULT_LIMITS, ...limits }, log)
    l.sealed = sealed
    if (l.sealed.length) l.kick()
    return l
  }

  /** Appends the rows `fill` writes; resolves once they are on disk (not yet in the table). */
  async write(fill: (out: LineBuffer) => void): Promise<void> {
    if (this.closed) throw new Error('the span log is closed')
    // Bounded: while the loader is behind (or failing), writers wait for it or fail with it.
    while (this.sealed.length >= this.limits.maxSealed) {
      if (this.failure) throw this.failure
      await this.nextLoad()
    }
    return this.group.write(fill)
  }

  /**
   * Resolves once everything acknowledged so far is in the table, or at once while loading fails
   * (readers then read what is there rather than fail; the loader keeps retrying).
   */
  async settle(): Promise<void> {
    await this.group.serial(() => this.seal())
    // Only what is logged now: under steady ingest, later segments must not keep a reader waiting.
    // (Pieces cut from a segment stand for it.)
    const logged = new Set(this.sealed.map(rootOf))
    while (!this.failure && this.sealed.some((f) => logged.has(rootOf(f)))) await this.nextLoad()
  }

  /** What waits to be loaded: sealed segments, those of them whose last load failed, and those set aside. */
  status(): { pending: number; failing: number; setAside: number } {
    return { pending: this.sealed.length + (this.segment ? 1 : 0), failing: this.failing.size, setAside: this.files.setAsideCount }
  }

  /** The same, with what is set aside now (this run or a previous one) and why, and the last load error. */
  state(): SpanLogState {
    const { pending, failing } = this.status()
    return { pending, failing, setAside: this.files.setAsides(), lastError: this.lastError }
  }

  /** Bytes acknowledged but not yet loaded (the open segment and the sealed ones), for /metrics. */
  pendingBytes(): number {
    let bytes = this.segment?.bytes ?? 0
    for (const f of this.sealed) bytes += fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0
    return bytes
  }

  /** Loads what is logged, then stops; segments that cannot be loaded stay for the next start. */
  async close(): Promise<void> {
    try {
      await this.settle()
    } finally {
      this.closed = true
      await this.group.serial(() => this.seal())
      this.wake?.()
      await this.loading
    }
  }

  /** One group's rows appended and synced; a segment that has grown large enough is sealed. */
  private async append(rows: Buffer): Promise<void> {
    const seg = this.segment ?? (this.segment = await this.openSegment())
    try {
      await seg.fh.appendFile(rows)
      await seg.fh.datasync()
    } catch (e) {
      // Cut off whatever part of this append reached the file: the next one starts on a line.
      await seg.fh.truncate(seg.bytes).catch(() => {})
      throw e
    }
    seg.bytes += rows.length
    if (seg.bytes >= this.limits.segmentBytes) await this.seal()
  }

  private async openSegment(): Promise<Segment> {
    const file = path.join(this.dir, `${this.prefix}-${String(this.seq++).padStart(8, '0')}${SUFFIX}`)
    const fh = await fsp.open(file, 'a')
    const timer = setTimeout(() => void this.group.serial(() => (this.segment?.file === file ? this.seal() : Promise.resolve())), this.limits.maxAgeMs)
    timer.unref()
    return { file, fh, bytes: 0, timer }
  }

  /** Closes the current segment and hands it to the loader. */
  private async seal(): Promise<void> {
    const seg = this.segment
    if (!seg) return
    this.segment = null
    clearTimeout(seg.timer)
    await seg.fh.close()
    if (seg.bytes === 0) await fsp.rm(seg.file, { force: true })
    else {
      this.sealed.push(seg.file)
      this.kick()
    }
  }

  private nextLoad(): Promise<void> {
    return new Promise((r) => this.loaded.push(r))
  }

  /**
   * Loads sealed segments one at a time. A load that fails is retried with backoff, after the
   * other segments. While nothing loads (the engine is short of memory, say) every segment is
   * kept and retried. A segment whose rows the engine refuses is cut into pieces at once; a
   * single row that it refuses, or a segment that keeps failing while others load, is bad data:
   * after BAD_ATTEMPTS it is cut (or, a single row, set aside in `failed/` and tried again at the
   * next start), so that one bad row cannot hold up, or take down, every span behind it.
   */
  private kick(): void {
    if (this.loading) return
    this.loading = (async () => {
      let backoff = 0
      while (this.sealed.length && !this.closed) {
        // It stays in `sealed` until it is loaded or set aside: settle() waits for it.
        const file = this.sealed[0]
        try {
          await this.load(file, `span-log:${path.basename(file, SUFFIX)}`)
          await fsp.rm(file, { force: true })
          this.sealed.shift()
          this.failing.delete(file)
          await this.files.forget(file)
          this.loads++
          this.failure = null
          backoff = 0
        } catch (e) {
          const retry = await this.failed(file, e)
          const [first, most] = this.limits.backoffMs
          if (retry) backoff = Math.min(Math.max(first, backoff * 2), most)
        }
        for (const r of this.loaded.splice(0)) r()
        if (backoff && !this.closed) await new Promise<void>((r) => setTimeout((this.wake = r), backoff))
      }
    })().finally(() => {
      this.loading = null
      this.wake = null
      for (const r of this.loaded.splice(0)) r()
      if (this.sealed.length && !this.closed) this.kick()
    })
  }

  /** After a failed load of `file` (first in `sealed`): cut, keep or set aside. True: back off first. */
  private async failed(file: string, e: unknown): Promise<boolean> {
    const why = firstLine(e)
    const stamp = new Date().toISOString()
    this.lastError = { file: path.basename(file), message: why, at: stamp }
    const f = this.failing.get(file) ?? { attempts: 0, loadsBefore: this.loads }
    const othersLoaded = this.loads > f.loadsBefore
    const pieces = rejectsRows(e) || (f.attempts + 1 >= BAD_ATTEMPTS && othersLoaded) ? await this.files.cut(file, e, this.limits.partitionsPerLoad).catch(() => null) : null
    this.sealed.shift()
    if (pieces) {
      this.failing.delete(file)
      this.sealed.unshift(...pieces)
      this.log(`[${stamp}] loading spans from ${file} failed (${why}); cut into ${pieces.length} pieces, loaded one by one`)
      return false
    }
    this.failure = e
    f.attempts++
    this.failing.set(file, f)
    if (f.attempts === 1) this.log(`[${stamp}] loading spans from ${file} failed (kept, retrying): ${why}`)
    if (f.attempts >= BAD_ATTEMPTS && (othersLoaded || rejectsRows(e))) {
      this.failing.delete(file)
      this.failure = null // what failed is no longer queued
      const aside = await this.files.setAside(file, why)
      this.log(`[${stamp}] spans in ${aside} could not be loaded in ${f.attempts} attempts${othersLoaded ? ' while others loaded' : ''} (${why}); kept there and tried again at the next start`)
    } else this.sealed.push(file)
    return true
  }
}
