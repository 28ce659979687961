// Splits a streamed body into records without holding more than one input chunk in memory:
// NDJSON by line, a JSON array by top-level element. Each record carries its position
// (line number for NDJSON, element number for arrays) for error reports. Records come in
// arrays, one per input chunk: an await per record would cost more than parsing it.
import { StringDecoder } from 'node:string_decoder'
import { isUtf8 } from 'node:buffer'
import { AppError } from '../lib/errors.ts'

export interface RawRecord {
  line: number
  text: string
  /** Set when the record could not be framed (too long) or mapped: it is rejected with this reason. */
  error?: string
  /** The field the error is about, when known (a connector's mapping names it). */
  field?: string
  /** With `error`: the record's key when it could still be read (it then counts as present in a full snapshot). */
  key?: string
}

/** One record larger than this is rejected (and skipped) rather than buffered. */
export const MAX_RECORD_BYTES = 8 * 1024 * 1024

export async function* ndjsonRecords(body: AsyncIterable<Buffer>): AsyncGenerator<RawRecord[]> {
  const utf8 = new Utf8Check()
  // The unfinished last line, in pieces joined once its newline comes: re-joining it on every
  // chunk made a long line (a gzip bomb of one) cost its length squared.
  let pending: string[] = []
  let pendingLen = 0
  let line = 0
  let oversized = false
  // Nothing decoded yet: a byte-order mark at the start is dropped.
  let atStart = true
  // The pending line holds text of a chunk that was not valid UTF-8.
  let pendingBad = false
  const hold = (piece: string) => {
    if (oversized || !piece) return
    pending.push(piece)
    pendingLen += piece.length
    if (pendingLen > MAX_RECORD_BYTES) {
      oversized = true
      pending = []
      pendingLen = 0
    }
  }
  for await (const chunk of body) {
    let piece = utf8.write(chunk)
    if (atStart && piece) (piece = withoutBom(piece)), (atStart = false)
    const first = piece.indexOf('\n')
    if (first === -1) {
      pendingBad ||= utf8.bad
      hold(piece)
      continue
    }
    const out: RawRecord[] = []
    const text = pendingLen ? pending.join('') + piece : piece
    pending = []
    pendingLen = 0
    let start = 0
    // The chunk's lines in order, to ask which came from bytes that were not UTF-8.
    let seg = 0
    for (let nl = text.length - piece.length + first; nl !== -1; nl = text.indexOf('\n', start)) {
      line++
      if (oversized) {
        out.push({ line, text: '', error: `record longer than ${MAX_RECORD_BYTES} bytes` })
        oversized = false
      } else {
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl
        if (end > start && !isBlank(text, start, end)) out.push(record(line, text.slice(start, end), utf8.lineBad(seg) || (seg === 0 && pendingBad)))
      }
      seg++
      start = nl + 1
    }
    pendingBad = utf8.lineBad(seg)
    hold(text.slice(start))
    if (out.length) yield out
  }
  const end = utf8.end()
  const rest = pending.join('') + (atStart ? withoutBom(end) : end)
  if (oversized || rest.trim()) {
    line++
    if (oversized) yield [{ line, text: '', error: `record longer than ${MAX_RECORD_BYTES} bytes` }]
    else yield [record(line, rest.replace(/\r$/, ''), utf8.bad || pendingBad)]
  }
}

/** A byte-order mark is no part of the first record (editors on Windows write one). */
const withoutBom = (s: string) => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s)

/**
 * UTF-8 decoding that knows whether the chunk just decoded was valid: invalid bytes decode to
 * U+FFFD, and two keys that differ only in them would collide. `bad` is worked out only for
 * a chunk whose text holds a U+FFFD (which valid input may hold too), so valid bodies cost a
 * search of their text and nothing more. NDJSON asks per line (lineBad); a JSON array's
 * element is judged by its chunks (an element holding a real U+FFFD, in a chunk that also has
 * invalid bytes, is rejected too).
 */
class Utf8Check {
  private readonly decoder = new StringDecoder('utf8')
  private tail: Buffer = EMPTY
  /** The bytes of the last chunk's text, kept only when `bad`. */
  private bytes: Buffer = EMPTY
  /** Per line of the last chunk (split at its newlines): whether its bytes were not UTF-8. */
  private lines: boolean[] | null = null
  /** The last chunk (or end) had bytes that are not UTF-8. */
  bad = false

  write(chunk: Buffer): string {
    const text = this.decoder.write(chunk)
    const tail = incompleteTail(chunk)
    this.bad = false
    this.lines = null
    if (text.includes('\uFFFD')) {
      const bytes = Buffer.concat([this.tail, chunk.subarray(0, chunk.length - tail.length)])
      this.bad = !isUtf8(bytes)
      this.bytes = this.bad ? bytes : EMPTY
    }
    // Bytes of a character cut by the chunk's end: checked with the next chunk.
    this.tail = tail.length === chunk.length ? Buffer.concat([this.tail, tail]) : tail
    return text
  }

  /**
   * Whether the n-th newline-separated piece of the last chunk's text came from invalid bytes.
   * A newline byte is never part of a longer UTF-8 sequence, so the text's lines and the bytes'
   * lines are the same lines.
   */
  lineBad(n: number): boolean {
    if (!this.bad) return false
    if (!this.lines) {
      this.lines = []
      for (let from = 0; ; ) {
        const nl = this.bytes.indexOf(10, from)
        this.lines.push(!isUtf8(this.bytes.subarray(from, nl === -1 ? this.bytes.length : nl)))
        if (nl === -1) break
        from = nl + 1
      }
    }
    return this.lines[n] ?? false
  }

  end(): string {
    const text = this.decoder.end()
    this.bad = text.length > 0
    return text
  }
}

const EMPTY: Buffer = Buffer.alloc(0)

/** The bytes of a UTF-8 sequence begun near the end of `b` that runs past it. */
function incompleteTail(b: Buffer): Buffer {
  for (let i = b.length - 1; i >= 0 && i >= b.length - 3; i--) {
    const c = b[i]
    if ((c & 0xc0) === 0x80) continue
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1
    return i + need > b.length ? b.subarray(i) : EMPTY
  }
  return EMPTY
}

/** A record, rejected naming its field when its text came from bytes that were not UTF-8. */
function record(line: number, text: string, fromBadBytes: boolean): RawRecord {
  if (!fromBadBytes || !text.includes('\uFFFD')) return { line, text }
  let field = ''
  let key: string | undefined
  try {
    const v = JSON.parse(text) as unknown
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const rec = v as Record<string, unknown>
      field = Object.keys(rec).find((k) => k.includes('\uFFFD') || JSON.stringify(rec[k]).includes('\uFFFD')) ?? ''
      if (typeof rec.key === 'string' && rec.key && !rec.key.includes('\uFFFD')) key = rec.key
    }
  } catch {}
  const what = 'is not valid UTF-8 (invalid bytes would be stored as U+FFFD, and distinct values would collide)'
  return { line, text, error: field ? `${field}: ${what}` : `the record ${what}`, field, key }
}

function isBlank(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i)
    if (c !== 32 && c !== 9) return false
  }
  return true
}

const framing = (message: string) => new AppError(400, 'bad_framing', message)

/** Top-level elements of a JSON array, scanned incrementally (strings and nesting aware). */
export async function* jsonArrayRecords(body: AsyncIterable<Buffer>): AsyncGenerator<RawRecord[]> {
  const utf8 = new Utf8Check()
  // The element being read holds text of a chunk that was not valid UTF-8.
  let touched = false
  let state: 'before' | 'between' | 'element' | 'after' = 'before'
  let depth = 0
  let inString = false
  let escaped = false
  let buf = ''
  let index = 0
  for await (const chunk of body) {
    const out: RawRecord[] = []
    const text = utf8.write(chunk)
    let elementStart = state === 'element' ? 0 : -1
    touched ||= utf8.bad
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i)
      if (state === 'element') {
        if (inString) {
          if (escaped) escaped = false
          else if (ch === 92 /* \ */) escaped = true
          else if (ch === 34 /* " */) inString = false
          continue
        }
        if (ch === 34) inString = true
        else if (ch === 123 || ch === 91) depth++
        else if (ch === 125 || ch === 93) {
          if (depth === 0) {
            // `]` closing the array
            buf += text.slice(elementStart, i)
            // The element without the whitespace around it: its raw text in the dead-letter store.
            if (buf.trim()) out.push(record(++index, buf.trim(), touched))
            buf = ''
            state = 'after'
            continue
          }
          depth--
        } else if (ch === 44 /* , */ && depth === 0) {
          buf += text.slice(elementStart, i)
          out.push(record(++index, buf.trim(), touched))
          buf = ''
          elementStart = i + 1
          touched = utf8.bad
        }
        continue
      }
      if (ch === 32 || ch === 10 || ch === 13 || ch === 9 || ch === 0xfeff) continue
      if (state === 'before') {
        if (ch !== 91) throw framing('The body is not a JSON array: application/json bodies must be an array of records.')
        state = 'element'
        elementStart = i + 1
        depth = 0
        touched = utf8.bad
      } else if (state === 'after') {
        throw framing('Unexpected content after the closing ] of the JSON array.')
      }
    }
    if (state === 'element') {
      buf += text.slice(elementStart)
      if (buf.length > MAX_RECORD_BYTES) throw framing(`Array element ${index + 1} is longer than ${MAX_RECORD_BYTES} bytes.`)
    }
    if (out.length) yield out
  }
  if (state === 'before') throw framing('The body is empty: send a JSON array of records.')
  if (state === 'element') throw framing(`The JSON array is not closed: the body ended inside element ${index + 1}.`)
}
