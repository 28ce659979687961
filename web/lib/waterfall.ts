// A trace's spans laid out as a waterfall: parents before children (depth-first, by start),
// each bar's offset and width as a share of the whole trace. Pure.
import type { Span } from './endpoints.ts'

export interface WaterfallRow {
  span: Span
  depth: number
  left: number
  width: number
  failed: boolean
}

export function waterfallRows(spans: Span[]): { rows: WaterfallRow[]; totalMs: number } {
  const totalMs = Math.max(1, ...spans.map((s) => s.offset_ms + s.duration_ms))
  const ids = new Set(spans.map((s) => s.span_id))
  const children = new Map<string | null, Span[]>()
  for (const s of spans) {
    // A parent outside this trace's stored spans makes the span a root.
    const parent = s.parent_span_id && ids.has(s.parent_span_id) ? s.parent_span_id : null
    children.set(parent, [...(children.get(parent) ?? []), s])
  }
  const rows: WaterfallRow[] = []
  const seen = new Set<string>()
  const walk = (parent: string | null, depth: number) => {
    for (const s of [...(children.get(parent) ?? [])].sort((a, b) => a.offset_ms - b.offset_ms || a.name.localeCompare(b.name))) {
      if (seen.has(s.span_id)) continue
      seen.add(s.span_id)
      rows.push({
        span: s,
        depth,
        left: (s.offset_ms / totalMs) * 100,
        width: Math.max((s.duration_ms / totalMs) * 100, 0.4),
        failed: /error/i.test(s.status),
      })
      walk(s.span_id, depth + 1)
    }
  }
  walk(null, 0)
  return { rows, totalMs }
}

/** Tick marks for the time axis: about n round steps across the trace. */
export function timeTicks(totalMs: number, n = 4): number[] {
  const raw = totalMs / n
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw
  const out: number[] = []
  for (let t = 0; t <= totalMs + 1e-9; t += step) out.push(Math.round(t * 1000) / 1000)
  return out
}
