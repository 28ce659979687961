// Incremental windows: [stored cursor - overlap, run start). The upper bound is fixed when the
// run starts, so a long run never chases changes made while it reads, and the next run's overlap
// re-reads the boundary (its pages dedupe by batch digest and which-record-wins).
import type { CursorState, ReadOptions } from './types.ts'

export interface ReadWindow {
  /** Lower bound (inclusive); absent: from the beginning. */
  from?: Date
  /** Upper bound (exclusive): the run's start. */
  to: Date
}

export const DEFAULT_OVERLAP_MS = 300_000

export function readWindow(o: ReadOptions): ReadWindow {
  const to = o.runStartedAt ?? o.http.clockNow
  if (o.mode === 'full') return { to }
  const overlapMs = (o.http.config.overlap_seconds ?? DEFAULT_OVERLAP_MS / 1000) * 1000
  if (o.state?.kind === 'timestamp') {
    const at = Date.parse(o.state.value)
    if (!Number.isNaN(at)) return { from: new Date(at - overlapMs), to }
  }
  return { from: o.since, to }
}

/** ISO 8601 UTC to the second (what SOQL, OData and Harvest filters accept). */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** Parses vendor timestamps, including Salesforce's `+0000` offsets; undefined when unreadable. */
export function parseTime(v: unknown): Date | undefined {
  if (typeof v !== 'string' || !v) return undefined
  const ms = Date.parse(v.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'))
  return Number.isNaN(ms) ? undefined : new Date(ms)
}

/** The state a finished window leaves: everything before `to` has been read. */
export function windowDone(to: Date, api_version?: string): CursorState {
  return { kind: 'timestamp', value: isoSeconds(to), ...(api_version ? { api_version } : {}) }
}

/** Mid-window state for reads ordered by modification time: safe up to the newest time seen. */
export function windowProgress(records: unknown[], modified: string, to: Date, previous: CursorState | null): CursorState | null {
  let max: Date | undefined
  for (const r of records) {
    const t = parseTime((r as Record<string, unknown>)[modified])
    if (t && (!max || t > max)) max = t
  }
  if (!max) return previous
  return { kind: 'timestamp', value: isoSeconds(max), window_end: isoSeconds(to) }
}

/** The first path segment of each column, deduplicated, keeping order (case-insensitive). */
export function topColumns(columns: string[], required: string[] = []): string[] {
  const out = new Map<string, string>()
  for (const c of [...required, ...columns]) {
    const top = c.split('.')[0].split('@')[0]
    if (top && !out.has(top.toLowerCase())) out.set(top.toLowerCase(), top)
  }
  return [...out.values()]
}

/** `where` for REST APIs without a query language (Kantata, Harvest): extra query parameters. */
export function whereParams(where: string | undefined): Record<string, string> {
  return where ? Object.fromEntries(new URLSearchParams(where.replace(/^\?/, ''))) : {}
}
