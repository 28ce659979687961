// The span log's segment files apart from writing them (span-log.ts): what a crash left behind,
// segments cut into pieces when the engine refuses their rows (span-split.ts says how to cut),
// and rows set aside in `failed/` with their reasons in set-aside.json. Kept here so the writer
// reads as append, seal and load, and the rarely taken paths can be read on their own.
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { piecesOf, rowsOf } from './span-split.ts'

export const SUFFIX = '.tsv'
const FAILED = 'failed'
/** Why each file in failed/ is there (a JSON object by file name), kept across restarts. */
const SET_ASIDE = 'set-aside.json'

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
export const rootOf = (file: string) => path.basename(file).replace(PIECE, '')
const parentOf = (name: string) => name.replace(/\.s\d+(?=\.tsv$)/, '')
// The engine's first line, without the file it read (health shows it to anyone who asks).
export const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0].replace(/\s*\(in file\/uri [^)]*\)/, '')

/** The segment files of one span log directory: recovery at start, cuts, and what is set aside. */
export class SegmentFiles {
  /** Set aside by this process (status() counts them; state() lists this run's and earlier ones). */
  setAsideCount = 0

  private constructor(
    readonly dir: string,
    private asides: Map<string, SetAside>,
  ) {}

  /**
   * Opens `dir` as a previous process left it: the segments to load (oldest first, failed/ ones
   * included), with interrupted cuts and appends that were never acknowledged cleaned up.
   */
  static recover(dir: string): { files: SegmentFiles; sealed: string[] } {
    const failed = path.join(dir, FAILED)
    const listed = [failed, dir].flatMap((d) => (fs.existsSync(d) ? fs.readdirSync(d).map((n) => path.join(d, n)) : []))
    // A cut that a crash interrupted: its pieces are incomplete until the segment cut is removed.
    for (const f of listed.filter((f) => f.endsWith(`${SUFFIX}.tmp`))) fs.rmSync(f, { force: true })
    const found = listed.filter((f) => f.endsWith(SUFFIX))
    const names = new Set(found.map((f) => path.basename(f)))
    const asides = new Map(Object.entries(readJson(path.join(dir, SET_ASIDE))).filter(([name]) => names.has(name)) as Array<[string, SetAside]>)
    const sealed: string[] = []
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
        sealed.push(file)
      }
    }
    return { files: new SegmentFiles(dir, asides), sealed }
  }

  /** What is set aside now (this run or a previous one) and why. */
  setAsides(): SetAside[] {
    return [...this.asides.values()]
  }

  /** Moves `file` to failed/ with its reason; returns where it now is (where it was, if it cannot move). */
  async setAside(file: string, reason: string): Promise<string> {
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

  /** `file` is loaded or cut: it is no longer set aside (a previous run may have set it aside). */
  async forget(file: string): Promise<void> {
    if (this.asides.delete(path.basename(file))) await this.saveAsides()
  }

  /**
   * Cuts a segment the engine refused (with `e`) into pieces that take its place: each written
   * and synced under its own name (so its own deduplication token) before the segment is
   * removed. Null for a single row.
   */
  async cut(file: string, e: unknown, partitionsPerLoad: number): Promise<string[] | null> {
    const pieces = piecesOf(rowsOf(await fsp.readFile(file)), e, partitionsPerLoad)
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
    await this.forget(file)
    return names
  }

  /** set-aside.json, replaced whole (a crash leaves the old one or the new one). */
  private async saveAsides(): Promise<void> {
    const file = path.join(this.dir, SET_ASIDE)
    await fsp.writeFile(`${file}.tmp`, JSON.stringify(Object.fromEntries(this.asides), null, 1))
    await fsp.rename(`${file}.tmp`, file)
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
