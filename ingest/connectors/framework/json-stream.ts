// Stream-parse the elements of one array under a top-level key ({"Report_Entry": [...]}) without
// holding the whole body: only the element being read is kept. A body whose object lacks the key
// yields nothing (Workday omits Report_Entry from a report with no rows).
import { StringDecoder } from 'node:string_decoder'

export class JsonStreamError extends Error {}

export async function* jsonArrayAt(body: AsyncIterable<Uint8Array>, key: string): AsyncGenerator<unknown[]> {
  const decoder = new StringDecoder('utf8')
  let depth = 0
  let inString = false
  let escaped = false
  let started = false
  let expectKey = false
  let keyText: string | null = null // collecting a depth-1 key
  let lastKey = ''
  let pendingTarget = false // after `"<key>":`, before its value
  let inTarget = false // inside the target array (its elements sit at depth 2)
  // Text of the element being read (kept across chunks) and where it starts in this chunk.
  const el: { text: string | null; from: number } = { text: null, from: -1 }
  let seen = 0
  for await (const chunk of body) {
    const text = decoder.write(chunk as Buffer)
    const out: unknown[] = []
    if (el.text !== null) el.from = 0
    let keyFrom = keyText !== null ? 0 : -1
    const finish = (end: number) => {
      const raw = el.text + text.slice(el.from, end)
      el.text = null
      el.from = -1
      seen++
      try {
        out.push(JSON.parse(raw))
      } catch {
        throw new JsonStreamError(`Element ${seen} of "${key}" is not valid JSON.`)
      }
    }
    const begin = (at: number) => {
      el.text = ''
      el.from = at
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (inString) {
        if (escaped) escaped = false
        else if (c === 92) escaped = true
        else if (c === 34) {
          inString = false
          if (keyText !== null) {
            lastKey = keyText + text.slice(keyFrom, i)
            keyText = null
          }
        }
        continue
      }
      if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff) continue
      if (!started) {
        if (c !== 123) throw new JsonStreamError(`The answer is not a JSON object (it starts with ${JSON.stringify(text.slice(i, i + 40))}).`)
        started = true
      }
      if (inTarget && depth === 2 && el.text === null && c !== 44 && c !== 93) begin(i)
      if (c === 34) {
        inString = true
        if (depth === 1 && expectKey) {
          keyText = ''
          keyFrom = i + 1
        }
        pendingTarget = false
      } else if (c === 123 || c === 91) {
        if (depth === 1 && c === 91 && pendingTarget) inTarget = true
        pendingTarget = false
        depth++
        if (depth === 1) expectKey = true
      } else if (c === 125 || c === 93) {
        depth--
        if (inTarget && depth === 1) {
          if (el.text !== null) finish(i) // a scalar last element
          inTarget = false
        } else if (inTarget && depth === 2 && el.text !== null) finish(i + 1)
      } else if (c === 44) {
        if (depth === 1) expectKey = true
        if (inTarget && depth === 2 && el.text !== null) finish(i)
      } else if (c === 58) {
        if (depth === 1) {
          expectKey = false
          pendingTarget = lastKey === key
        }
      } else pendingTarget = false
    }
    if (keyText !== null) keyText += text.slice(keyFrom)
    if (el.text !== null) el.text += text.slice(el.from)
    if (out.length) yield out
  }
  if (!started) throw new JsonStreamError('The answer is empty, not a JSON object.')
  if (depth !== 0 || inString) throw new JsonStreamError('The answer ended before its JSON was complete (a cut download?).')
}
