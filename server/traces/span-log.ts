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
import crypto from 'node:crypto'
import fs from 'node:fs'
import fsp, { type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { GroupCommit } from '../db/group-commit.ts'
import type { LineBuffer } from '../db/line-buffer.ts'
import { PARTITIONS_PER_LOAD, piecesOf, rejectsRows, rowsOf } from './span-split.ts'

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
const SUFFIX = '.tsv'
const FAILED = 'failed'
/** Why each file in failed/ is there (a JSON object by file name), kept across restarts. */
const SET_ASIDE = 'set-aside.json'
const BAD_ATTEMPTS = 3

/** Rows the engine would not take, kept in failed/ (and tried again at the next start). */
export interface SetAside {
  file: string
  rows: number
  reason: string
  at: string
}

/** The span log's state, for health: acknowledged spans not (yet) in otel_traces, and why. */
export interface SpanLogState {
  /** Segments acknowledged but not yet loaded, the open one included. */
  pending: number
  /** Of those, the ones whose last load failed (kept and retried). */
  failing: number
  /** Rows set aside because the engine refused them: health is degraded while there are any. */
  setAside: SetAside[]
  /** The last load that failed, whatever happened next. */
  lastError: { file: string; message: string; at: string } | null
}

// A piece cut from segment `P` is named `P.s<n>`: its root is the segment acknowledged writers wait for.
const PIECE = /(\.s\d+)+(?=\.tsv$)/
const rootOf = (file: string) => path.basename(file).replace(PIECE, '')
const parentOf = (name: string) => name.replace(/\.s\d+(?=\.tsv$)/, '')
// The engine's first line, without the file it read (health shows it to anyone who asks).
const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0].replace(/\s*\(in file\/uri [^)]*\)/, '')

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
  private setAsideCount = 0
  private asides = new Map<string, SetAside>()
  private lastError: SpanLogState['lastError'] = null
  /** Ends the loader's backoff early (at close). */
  private wake: (() => void) | null = null
  private seq = 0
  private closed = false
  private readonly prefix = `${Date.now()}-${crypto.randomBytes(4).toString('hex')}`

  private constructor(
    readonly dir: string,
    private readonly load: LoadSegment,
    private readonly limits: SpanLogLimits,
    private readonly log: (line: string) => void,
  ) {}

  /** Opens the log in `dir` and starts loading any segments a previous process left behind. */
  static open(dir: string, load: LoadSegment, limits: Partial<SpanLogLimits> = {}, log = (l: string) => console.error(l)): SpanLog {
    fs.mkdirSync(dir, { recursive: true })
    const l = new SpanLog(dir, load, { ...DEFAULT_LIMITS, ...limits }, log)
    const failed = path.join(dir, FAILED)
    const listed = [failed, dir].flatMap((d) => (fs.existsSync(d) ? fs.readdirSync(d).map((n) => path.join(d, n)) : []))
    // A cut that a crash interrupted: its pieces are incomplete until the segment cut is removed.
    for (const f of listed.filter((f) => f.endsWith(`${SUFFIX}.tmp`))) fs.rmSync(f, { force: true })
    const found = listed.filter((f) => f.endsWith(SUFFIX))
    const names = new Set(found.map((f) => path.basename(f)))
    l.asides = new Map(Object.entries(readJson(path.join(dir, SET_ASIDE))).filter(([name]) => names.has(name)) as Array<[string, SetAside]>)
    for (const file of found.sort((a, b) => path.basename(a).localeCompare(path.basename(b)))) {
      const name = path.basename(file)
      if (parentOf(name) !== name && names.has(parentOf(name))) {
        fs.rmSync(file)
        continue
      }
      // Only an append that was never acknowledged can be cut short: drop its partial line.
      const bytes = fs.readFileSync(file)
      const end = bytes.lastIndexOf(10) + 1
      if (end === 0) fs.rmSync(file)
      else {
        if (end < bytes.length) fs.truncateSync(file, end)
        l.sealed.push(file)
      }
    }
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
    return { pending: this.sealed.length + (this.segment ? 1 : 0), failing: this.failing.size, setAside: this.setAsideCount }
  }

  /** The same, with what is set aside now (this run or a previous one) and why, and the last load error. */
  state(): SpanLogState {
    const { pending, failing } = this.status()
    return { pending, failing, setAside: [...this.asides.values()], lastError: this.lastError }
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

  private async setAside(file: string, reason: string): Promise<string> {
    this.setAsideCount++
    const name = path.basename(file)
    const rows = rowsOf(await fsp.readFile(file).catch(() => Buffer.alloc(0))).length
    this.asides.set(name, { file: name, rows, reason, at: new Date().toISOString() })
    await this.saveAsides()
    const aside = path.join(this.dir, FAILED, name)
    if (aside === file) return file
    try {
      await fsp.mkdir(path.dirname(aside), { recursive: true })
      await fsp.rename(file, aside)
      return aside
    } catch {
      return file
    }
  }

  /** set-aside.json, replaced whole (a crash leaves the old one or the new one). */
  private async saveAsides(): Promise<void> {
    const file = path.join(this.dir, SET_ASIDE)
    await fsp.writeFile(`${file}.tmp`, JSON.stringify(Object.fromEntries(this.asides), null, 1))
    await fsp.rename(`${file}.tmp`, file)
  }

  /**
   * Cuts a segment the engine refused into pieces that take its place: each written and synced
   * under its own name (so its own deduplication token) before the segment is removed. Null
   * for a single row.
   */
  private async cut(file: string, e: unknown): Promise<string[] | null> {
    const pieces = piecesOf(rowsOf(await fsp.readFile(file)), e, this.limits.partitionsPerLoad)
    if (!pieces) return null
    const base = path.join(this.dir, path.basename(file, SUFFIX))
    const names = pieces.map((_, i) => `${base}.s${i}${SUFFIX}`)
    for (const [i, rows] of pieces.entries()) {
      const fh = await fsp.open(`${names[i]}.tmp`, 'w')
      try {
        await fh.writeFile(Buffer.concat(rows))
        await fh.datasync()
      } finally {
        await fh.close()
      }
      await fsp.rename(`${names[i]}.tmp`, names[i])
    }
    // The renames are on disk before the segment goes: else a crash could leave neither.
    const d = await fsp.open(this.dir, 'r')
    await d.sync().finally(() => d.close())
    await fsp.rm(file, { force: true })
    if (this.asides.delete(path.basename(file))) await this.saveAsides()
    return names
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
          if (this.asides.delete(path.basename(file))) await this.saveAsides()
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
    const pieces = rejectsRows(e) || (f.attempts + 1 >= BAD_ATTEMPTS && othersLoaded) ? await this.cut(file, e).catch(() => null) : null
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
      const aside = await this.setAside(file, why)
      this.log(`[${stamp}] spans in ${aside} could not be loaded in ${f.attempts} attempts${othersLoaded ? ' while others loaded' : ''} (${why}); kept there and tried again at the next start`)
    } else this.sealed.push(file)
    return true
  }
}

function readJson(file: string): Record<string, unknown> {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8'))
    return typeof v === 'object' && v !== null ? v : {}
  } catch {
    return {}
  }
}
