// Splits a streamed body into records without holding more than one input chunk in memory:
// NDJSON by line, a JSON array by top-level element. Each record carries its position
// (line number for NDJSON, element number for arrays) for error reports. Records come in
// arrays, one per input chunk: an await per record would cost more than parsing it.
import { StringDecoder } from 'node:string_decoder'
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
  const decoder = new StringDecoder('utf8')
  let rest = ''
  let line = 0
  let oversized = false
  for await (const chunk of body) {
    const out: RawRecord[] = []
    const text = rest + decoder.write(chunk)
    let start = 0
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      line++
      if (oversized) {
        out.push({ line, text: '', error: `record longer than ${MAX_RECORD_BYTES} bytes` })
        oversized = false
      } else {
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl
        if (end > start && !isBlank(text, start, end)) out.push({ line, text: text.slice(start, end) })
      }
      start = nl + 1
    }
    rest = text.slice(start)
    if (rest.length > MAX_RECORD_BYTES) {
      oversized = true
      rest = ''
    }
    if (out.length) yield out
  }
  rest += decoder.end()
  if (oversized || rest.trim()) {
    line++
    if (oversized) yield [{ line, text: '', error: `record longer than ${MAX_RECORD_BYTES} bytes` }]
    else yield [{ line, text: rest.replace(/\r$/, '') }]
  }
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
  const decoder = new StringDecoder('utf8')
  let state: 'before' | 'between' | 'element' | 'after' = 'before'
  let depth = 0
  let inString = false
  let escaped = false
  let buf = ''
  let index = 0
  for await (const chunk of body) {
    const out: RawRecord[] = []
    const text = decoder.write(chunk)
    let elementStart = state === 'element' ? 0 : -1
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
            if (buf.trim()) out.push({ line: ++index, text: buf.trim() })
            buf = ''
            state = 'after'
            continue
          }
          depth--
        } else if (ch === 44 /* , */ && depth === 0) {
          buf += text.slice(elementStart, i)
          out.push({ line: ++index, text: buf.trim() })
          buf = ''
          elementStart = i + 1
        }
        continue
      }
      if (ch === 32 || ch === 10 || ch === 13 || ch === 9 || ch === 0xfeff) continue
      if (state === 'before') {
        if (ch !== 91) throw framing('The body is not a JSON array: application/json bodies must be an array of records.')
        state = 'element'
        elementStart = i + 1
        depth = 0
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
