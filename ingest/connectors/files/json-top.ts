// Streams the top-level members of one JSON object without holding the body: a member can be
// read whole ('whole'), read member by member / element by element ('entries': each entry of an
// object or array value parsed on its own), or stepped over ('skip'). Only the value being read
// is kept. Used for Kantata answers, whose records sit in id-keyed maps beside `results`
// (REFERENCE §5.1); array-only formats use framework/json-stream.ts's jsonArrayAt.
import { Carried, type JsonReader, parseOrSay, scanJsonObject } from '../framework/json-scan.ts'

export type Want = 'whole' | 'entries' | 'skip'
/** A whole member (`name` absent), or one entry of it: `name` is the member name or element index. */
export interface TopItem {
  key: string
  name?: string
  value: unknown
}

type Phase = 'key' | 'colon' | 'value' | 'in'

export function jsonTopLevel(body: AsyncIterable<Uint8Array>, want: (key: string) => Want): AsyncGenerator<TopItem[]> {
  return scanJsonObject(body, { noun: 'file', cut: 'a cut file' }, topReader(want))
}

/** Reads members (level 1) and their entries (level 2) as `want` asks; scans past the rest. */
function topReader(want: (key: string) => Want): JsonReader<TopItem> {
  let phase1: Phase = 'key'
  let phase2: Phase = 'key'
  let key = ''
  let name = ''
  let index = 0
  /** The depth-1 member being read entry by entry, as '{' or '['. */
  let entries: '{' | '[' | null = null
  // A string being collected as a key or member name.
  let str = null as { at: Carried; level: 1 | 2 } | null
  // The value being captured: its text, its level, and whether it is a container (ends with its
  // closing bracket) or a scalar (ends at , } ]).
  let cap = null as { at: Carried; level: 1 | 2; container: boolean } | null
  let out: TopItem[] = []

  const finish = (text: string, end: number) => {
    const c = cap!
    cap = null
    const value = parseOrSay(c.at.upTo(text, end), () => `The value of "${key}"${c.level === 2 ? ` at ${name}` : ''}`)
    out.push(c.level === 1 ? { key, value } : { key, name, value })
  }

  const valueStart = (level: 1 | 2, ch: number, i: number) => {
    const container = ch === 123 || ch === 91
    if (level === 1) {
      phase1 = 'in'
      const w = want(key)
      if (w === 'whole') cap = { at: new Carried(i), level, container }
      else if (w === 'entries' && container) {
        entries = ch === 123 ? '{' : '['
        phase2 = entries === '{' ? 'key' : 'value'
        index = 0
      }
    } else {
      phase2 = 'in'
      if (entries === '[') name = String(index++)
      cap = { at: new Carried(i), level, container }
    }
  }

  return {
    char(c, text, i, depth) {
      if (depth === 1 && phase1 === 'value') valueStart(1, c, i)
      else if (depth === 2 && entries && phase2 === 'value' && c !== 93) valueStart(2, c, i)
      if (c === 34) {
        if (depth === 1 && phase1 === 'key') str = { at: new Carried(i + 1), level: 1 }
        else if (depth === 2 && entries === '{' && phase2 === 'key') str = { at: new Carried(i + 1), level: 2 }
      } else if (c === 123 || c === 91) {
        if (depth === 0) phase1 = 'key' // the top-level object opens
      } else if (c === 125 || c === 93) {
        // A scalar ends before the bracket, at `depth`; a container with it, a level up.
        if (cap && !cap.container && depth === cap.level) finish(text, i)
        if (cap && cap.container && depth - 1 === cap.level) finish(text, i + 1)
        if (depth - 1 === 1 && entries) entries = null
      } else if (c === 44) {
        if (cap && !cap.container && depth === cap.level) finish(text, i)
        if (depth === 1) phase1 = 'key'
        else if (depth === 2 && entries) phase2 = entries === '{' ? 'key' : 'value'
      } else if (c === 58) {
        if (depth === 1) phase1 = 'value'
        else if (depth === 2 && entries === '{') phase2 = 'value'
      }
    },
    stringEnd(text, i) {
      if (!str) return
      const s = JSON.parse(`"${str.at.upTo(text, i)}"`) as string
      if (str.level === 1) key = s
      else name = s
      str = null
    },
    chunkEnd(text) {
      str?.at.carry(text)
      cap?.at.carry(text)
      const done = out
      out = []
      return done
    },
  }
}
