// Stream-parse the elements of one array under a top-level key ({"Report_Entry": [...]}) without
// holding the whole body: only the element being read is kept. A body whose object lacks the key
// yields nothing (Workday omits Report_Entry from a report with no rows).
import { Carried, type JsonReader, parseOrSay, scanJsonObject } from './json-scan.ts'

export { JsonStreamError } from './json-scan.ts'

export function jsonArrayAt(body: AsyncIterable<Uint8Array>, key: string): AsyncGenerator<unknown[]> {
  return scanJsonObject(body, { noun: 'answer', cut: 'a cut download' }, arrayReader(key))
}

/** Reads the elements of the array under `key`; everything else is only scanned past. */
function arrayReader(key: string): JsonReader<unknown> {
  let expectKey = false
  let keyText: Carried | null = null // collecting a depth-1 key
  let lastKey = ''
  let pendingTarget = false // after `"<key>":`, before its value
  let inTarget = false // inside the target array (its elements sit at depth 2)
  let el: Carried | null = null // the element being read
  let seen = 0
  let out: unknown[] = []
  const finish = (text: string, end: number) => {
    const raw = el!.upTo(text, end)
    el = null
    seen++
    out.push(parseOrSay(raw, () => `Element ${seen} of "${key}"`))
  }
  return {
    char(c, text, i, depth) {
      if (inTarget && depth === 2 && el === null && c !== 44 && c !== 93) el = new Carried(i)
      if (c === 34) {
        if (depth === 1 && expectKey) keyText = new Carried(i + 1)
        pendingTarget = false
      } else if (c === 123 || c === 91) {
        if (depth === 1 && c === 91 && pendingTarget) inTarget = true
        pendingTarget = false
        if (depth === 0) expectKey = true // the top-level object opens
      } else if (c === 125 || c === 93) {
        // `depth` is before this bracket closes: the target array closes from 2 to 1.
        if (inTarget && depth === 2) {
          if (el !== null) finish(text, i) // a scalar last element
          inTarget = false
        } else if (inTarget && depth === 3 && el !== null) finish(text, i + 1)
      } else if (c === 44) {
        if (depth === 1) expectKey = true
        if (inTarget && depth === 2 && el !== null) finish(text, i)
      } else if (c === 58) {
        if (depth === 1) {
          expectKey = false
          pendingTarget = lastKey === key
        }
      } else pendingTarget = false
    },
    stringEnd(text, i) {
      if (keyText === null) return
      lastKey = keyText.upTo(text, i)
      keyText = null
    },
    chunkEnd(text) {
      keyText?.carry(text)
      el?.carry(text)
      const done = out
      out = []
      return done
    },
  }
}
