// The scanning the streaming JSON readers share (json-stream.ts's jsonArrayAt for one array under
// a key, files/json-top.ts's jsonTopLevel for id-keyed maps): the body decoded chunk by chunk,
// strings and white space stepped over, nesting counted, and a body that is not one whole JSON
// object refused. Each reader sees only the characters that shape the document and keeps only
// the text of what it is reading, so neither holds the body.
import { StringDecoder } from 'node:string_decoder'

export class JsonStreamError extends Error {}

/** A reader's part of the scan; every call is in document order. */
export interface JsonReader<T> {
  /** A character outside strings and white space, at `i` of `text`; `depth` is the nesting before it. */
  char(c: number, text: string, i: number, depth: number): void
  /** A string whose opening quote char() was shown ends at `i` (its closing quote). */
  stringEnd(text: string, i: number): void
  /** The chunk `text` is scanned: carry over what is partly read; return what is complete. */
  chunkEnd(text: string): T[]
}

/** How errors name the body, e.g. { noun: 'answer', cut: 'a cut download' }. */
export interface BodyWords {
  noun: string
  cut: string
}

/** Feeds `reader` the body's characters; yields what it completes, a chunk's worth at a time. */
export async function* scanJsonObject<T>(body: AsyncIterable<Uint8Array>, words: BodyWords, reader: JsonReader<T>): AsyncGenerator<T[]> {
  const decoder = new StringDecoder('utf8')
  let depth = 0
  let started = false
  let inString = false
  let escaped = false
  for await (const chunk of body) {
    const text = decoder.write(chunk as Buffer)
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (inString) {
        if (escaped) escaped = false
        else if (c === 92) escaped = true
        else if (c === 34) {
          inString = false
          reader.stringEnd(text, i)
        }
        continue
      }
      if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff) continue
      if (!started) {
        if (c !== 123) throw new JsonStreamError(`The ${words.noun} is not a JSON object (it starts with ${JSON.stringify(text.slice(i, i + 40))}).`)
        started = true
      }
      reader.char(c, text, i, depth)
      if (c === 34) inString = true
      else if (c === 123 || c === 91) depth++
      else if (c === 125 || c === 93) depth--
    }
    const out = reader.chunkEnd(text)
    if (out.length) yield out
  }
  if (!started) throw new JsonStreamError(`The ${words.noun} is empty, not a JSON object.`)
  if (depth !== 0 || inString) throw new JsonStreamError(`The ${words.noun} ended before its JSON was complete (${words.cut}?).`)
}

/** Text being read that may run across chunks: what earlier chunks held, and where it starts in this one. */
export class Carried {
  private held = ''
  constructor(private from: number) {}

  /** All of it, up to `end` of the current chunk. */
  upTo(text: string, end: number): string {
    return this.held + text.slice(this.from, end)
  }

  /** At the end of chunk `text`: keep its tail, for the next chunk continues it from its start. */
  carry(text: string): void {
    this.held += text.slice(this.from)
    this.from = 0
  }
}

/** JSON.parse, or a JsonStreamError saying what (`what()`, worded lazily) is not valid JSON. */
export function parseOrSay(raw: string, what: () => string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    throw new JsonStreamError(`${what()} is not valid JSON.`)
  }
}
