// Streams the top-level members of one JSON object without holding the body: a member can be
// read whole ('whole'), read member by member / element by element ('entries': each entry of an
// object or array value parsed on its own), or stepped over ('skip'). Only the value being read
// is kept. Used for Kantata answers, whose records sit in id-keyed maps beside `results`
// (REFERENCE §5.1); array-only formats use framework/json-stream.ts's jsonArrayAt.
import { StringDecoder } from 'node:string_decoder'
import { JsonStreamError } from '../framework/json-stream.ts'

export type Want = 'whole' | 'entries' | 'skip'
/** A whole member (`name` absent), or one entry of it: `name` is the member name or element index. */
export interface TopItem {
  key: string
  name?: string
  value: unknown
}

type Phase = 'key' | 'colon' | 'value' | 'in'

export async function* jsonTopLevel(body: AsyncIterable<Uint8Array>, want: (key: string) => Want): AsyncGenerator<TopItem[]> {
  const decoder = new StringDecoder('utf8')
  let depth = 0
  let started = false
  let inString = false
  let escaped = false
  let phase1: Phase = 'key'
  let phase2: Phase = 'key'
  let key = ''
  let name = ''
  let index = 0
  /** The depth-1 member being read entry by entry, as '{' or '['. */
  let entries: '{' | '[' | null = null
  // A string being collected as a key or member name.
  let str = null as { text: string; from: number; level: 1 | 2 } | null
  // The value being captured: its text so far, where it starts in this chunk, its level, and
  // whether it is a container (ends with its closing bracket) or a scalar (ends at , } ]).
  let cap = null as { text: string; from: number; level: 1 | 2; container: boolean } | null
  let out: TopItem[] = []

  const finish = (text: string, end: number) => {
    const c = cap!
    const raw = c.text + text.slice(c.from, end)
    cap = null
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch {
      throw new JsonStreamError(`The value of "${key}"${c.level === 2 ? ` at ${name}` : ''} is not valid JSON.`)
    }
    out.push(c.level === 1 ? { key, value } : { key, name, value })
  }

  const valueStart = (level: 1 | 2, ch: number, i: number) => {
    const container = ch === 123 || ch === 91
    if (level === 1) {
      phase1 = 'in'
      const w = want(key)
      if (w === 'whole') cap = { text: '', from: i, level, container }
      else if (w === 'entries' && container) {
        entries = ch === 123 ? '{' : '['
        phase2 = entries === '{' ? 'key' : 'value'
        index = 0
      }
    } else {
      phase2 = 'in'
      if (entries === '[') name = String(index++)
      cap = { text: '', from: i, level, container }
    }
  }

  for await (const chunk of body) {
    const text = decoder.write(chunk as Buffer)
    if (cap) cap.from = 0
    if (str) str.from = 0
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (inString) {
        if (escaped) escaped = false
        else if (c === 92) escaped = true
        else if (c === 34) {
          inString = false
          if (str) {
            const s = JSON.parse(`"${str.text + text.slice(str.from, i)}"`) as string
            if (str.level === 1) key = s
            else name = s
            str = null
          }
        }
        continue
      }
      if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff) continue
      if (!started) {
        if (c !== 123) throw new JsonStreamError(`The file is not a JSON object (it starts with ${JSON.stringify(text.slice(i, i + 40))}).`)
        started = true
      }
      if (depth === 1 && phase1 === 'value') valueStart(1, c, i)
      else if (depth === 2 && entries && phase2 === 'value' && c !== 93) valueStart(2, c, i)
      if (c === 34) {
        inString = true
        if (depth === 1 && phase1 === 'key') str = { text: '', from: i + 1, level: 1 }
        else if (depth === 2 && entries === '{' && phase2 === 'key') str = { text: '', from: i + 1, level: 2 }
      } else if (c === 123 || c === 91) {
        depth++
        if (depth === 1) phase1 = 'key'
      } else if (c === 125 || c === 93) {
        if (cap && !cap.container && depth === cap.level) finish(text, i)
        depth--
        if (cap && cap.container && depth === cap.level) finish(text, i + 1)
        if (depth === 1 && entries) entries = null
      } else if (c === 44) {
        if (cap && !cap.container && depth === cap.level) finish(text, i)
        if (depth === 1) phase1 = 'key'
        else if (depth === 2 && entries) phase2 = entries === '{' ? 'key' : 'value'
      } else if (c === 58) {
        if (depth === 1) phase1 = 'value'
        else if (depth === 2 && entries === '{') phase2 = 'value'
      }
    }
    if (str) str.text += text.slice(str.from)
    if (cap) cap.text += text.slice(cap.from)
    if (out.length) {
      yield out
      out = []
    }
  }
  if (!started) throw new JsonStreamError('The file is empty, not a JSON object.')
  if (depth !== 0 || inString) throw new JsonStreamError('The file ended before its JSON was complete (a cut file?).')
}
