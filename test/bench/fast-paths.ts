// Each in-process fast path against the plain path it replaces, on the same input, in
// alternating rounds (the best round of each is reported: this machine is shared, and a busy
// neighbour only ever slows a round down). `npm run bench -- fast`; the export paths, which
// need the engine and memory figures, are `npm run bench -- fast-export` (fast-export.ts).
import { compileCodec } from '../../server/ingest/row-codec.ts'
import { withLineShapes } from '../../server/ingest/fast-line-shape.ts'
import { fmt } from './harness.ts'

export interface Pair {
  name: string
  unit: string
  plain: number
  fast: number
}

const ROUNDS = 7

/** Items per second of `run` (which handles `items` items), the best of ROUNDS, plain and fast alternating. */
function race(name: string, unit: string, items: number, plain: () => unknown, fast: () => unknown): Pair {
  const best = { plain: 0, fast: 0 }
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, run] of [['plain', plain], ['fast', fast]] as const) {
      const t = performance.now()
      run()
      best[k] = Math.max(best[k], items / ((performance.now() - t) / 1000))
    }
  }
  return { name, unit, ...best }
}

/** Time entries as a collector writes them (test/bench/ingest.ts writes the same shape). */
export function timeEntryLines(n: number): string[] {
  const day0 = Date.UTC(2026, 0, 1)
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(day0 + (i % 180) * 86400_000).toISOString().slice(0, 10)
    return `{"key":"TE-${String(i).padStart(8, '0')}","native_id":"KT${i}","resource_key":"E${String(i % 500).padStart(5, '0')}","project_key":"PRJ-${String(i % 300).padStart(5, '0')}","work_date":"${d}","hours":${(i % 16) / 2 + 0.5},"billable":${i % 7 !== 0},"status":"approved","bill_rate":${150 + (i % 40) * 5}.25,"currency":"USD","approved_at":"${d}T18:00:00.000Z"}`
  })
}

function codecRace(lines: string[]): Pair {
  const plain = compileCodec('time_entry')
  const fast = withLineShapes(compileCodec('time_entry'))
  const encodeAll = (c: { encode(t: string): { ok: boolean } }) => () => {
    let ok = 0
    for (const l of lines) if (c.encode(l).ok) ok++
    if (ok !== lines.length) throw new Error(`${ok} of ${lines.length} lines encoded`)
  }
  return race('ingest: NDJSON line → TSV row (learnt line shapes vs JSON.parse)', 'lines/s', lines.length, encodeAll(plain), encodeAll(fast))
}

export function benchFastPaths(lines = 300_000): Pair[] {
  const entries = timeEntryLines(lines)
  return [codecRace(entries)]
}

export function reportFastPaths(pairs: Pair[]): string {
  return [
    `fast paths against their plain paths (best of ${ROUNDS} alternating rounds; gain = fast/plain - 1):`,
    ...pairs.map((p) => `  ${p.name}: plain ${fmt(p.plain)} ${p.unit}, fast ${fmt(p.fast)} ${p.unit}, gain ${Math.round((p.fast / p.plain - 1) * 100)} %`),
  ].join('\n')
}
