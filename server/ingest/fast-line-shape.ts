// The ingest fast path, behind the plain codec of row-codec.ts: NDJSON lines in a shape seen
// before, read with one regular expression instead of JSON.parse (test/bench/fast-paths.ts
// measures both; docs/performance.md "Fast paths" has the figures).
//
// A collector writes every record of an export the same way: the same keys in the same order,
// each value of the same kind, no white space. Such a line is matched whole by an anchored
// pattern built from a line parsed earlier, and its values are taken from the match: about a
// fifth of the time of JSON.parse, and no object per record. The pattern accepts only what
// JSON.parse reads to the very same values — strings without escapes or control characters,
// numbers without exponent and of at most 15 digits (a double holds those exactly, as the
// codec's parse path requires), true, false, null — so a line either matches and means what
// JSON.parse would make of it, or does not match and is parsed as before.
import type { Codec, EntityCodec } from './row-codec.ts'

type Kind = 'string' | 'number' | 'boolean' | 'null'

const PATTERN: Record<Kind, string> = {
  string: '"([^"\\\\\\x00-\\x1f]*)"',
  number: '(-?(?:0|[1-9]\\d*)(?:\\.\\d+)?)',
  boolean: '(true|false)',
  null: '(null)',
}

/** Field names as they may appear unescaped in a pattern. */
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const MAX_SHAPES = 4
const LEARN_EVERY = 64

class Shape {
  constructor(
    readonly signature: string,
    private readonly re: RegExp,
    /** For each capture group: the field it fills, and the kind of its value. */
    private readonly fields: number[],
    private readonly kinds: Kind[],
  ) {}

  /** The line's values by field index into `out` (undefined where absent), or false. */
  read(text: string, out: unknown[]): boolean {
    const m = this.re.exec(text)
    if (m === null) return false
    out.fill(undefined)
    for (let g = 0; g < this.kinds.length; g++) {
      const v = m[g + 1]
      switch (this.kinds[g]) {
        case 'string':
          out[this.fields[g]] = v
          break
        case 'number': {
          // 16 digits or more may not survive a double: the parse path reads those losslessly.
          const digits = v.length - (v.charCodeAt(0) === 45 ? 1 : 0) - (v.includes('.') ? 1 : 0)
          if (digits > 15) return false
          out[this.fields[g]] = Number(v)
          break
        }
        case 'boolean':
          out[this.fields[g]] = v === 'true'
          break
        default:
          out[this.fields[g]] = null
      }
    }
    return true
  }
}

/** The shapes of one entity's lines, learnt from lines parsed the slow way. */
export class LineShapes {
  private shapes: Shape[] = []
  /** Lines offered to learn() since the first shape: only every LEARN_EVERY-th is looked at. */
  private offered = 0

  /** `fieldIndex`: the position of each known field among the codec's fields. */
  constructor(private readonly fieldIndex: Map<string, number>) {}

  /** Reads `text` into `out` if it has a known shape. */
  read(text: string, out: unknown[]): boolean {
    for (const s of this.shapes) if (s.read(text, out)) return true
    return false
  }

  /**
   * Learns the shape of a record JSON.parse made of a line (its keys in the line's order, as
   * JavaScript keeps them for non-numeric keys): only records of known fields and plain values.
   */
  learn(rec: Record<string, unknown>): void {
    // Lines that never match (escaped text, say) come here one after another: their shape is
    // known already, and working that out for each would tax the slow path for nothing.
    if (this.shapes.length >= MAX_SHAPES || (this.shapes.length > 0 && ++this.offered % LEARN_EVERY !== 0)) return
    const fields: number[] = []
    const kinds: Kind[] = []
    for (const k in rec) {
      const i = this.fieldIndex.get(k)
      if (i === undefined || !PLAIN_NAME.test(k)) return
      const v = rec[k]
      const kind: Kind | null = v === null ? 'null' : typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'boolean' : typeof v === 'number' ? 'number' : null
      if (kind === null) return
      fields.push(i)
      kinds.push(kind)
    }
    if (fields.length === 0) return
    const keys = Object.keys(rec)
    const signature = keys.map((k, g) => `${k}:${kinds[g]}`).join(',')
    if (this.shapes.some((s) => s.signature === signature)) return
    const re = new RegExp(`^\\{${keys.map((k, g) => `"${k}":${PATTERN[kinds[g]]}`).join(',')}\\}$`)
    this.shapes.push(new Shape(signature, re, fields, kinds))
  }
}

/** The plain codec with lines of a known shape read by their learnt pattern. */
export function withLineShapes(plain: EntityCodec): Codec & { fastReads: number } {
  const shapes = new LineShapes(new Map(plain.fields.map((f, i) => [f, i])))
  // One line's values by field position, reused from line to line.
  const values: unknown[] = new Array(plain.fields.length)
  const codec = {
    /** Lines read by their shape rather than JSON.parse. */
    fastReads: 0,
    encode(text: string) {
      // A matched line has no escapes (so nothing to TSV-escape) and no unknown fields.
      if (shapes.read(text, values)) {
        codec.fastReads++
        return plain.encodeValues(values)
      }
      const p = plain.parse(text)
      if (!p.ok) return p.rejected
      if (!p.lossless) shapes.learn(p.rec)
      return plain.encodeRecord(p.rec, p.lossless)
    },
  }
  return codec
}
