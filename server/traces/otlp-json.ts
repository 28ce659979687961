// OTLP/JSON bodies parsed span by span.
//
// JSON.parse needs the body as one string, and a string over 128 KB gets memory pages of its own
// from V8; on a virtual machine, touching fresh pages costs more than parsing what is in them
// (a 500 KB request spent as long becoming a string as being parsed). So the `spans` arrays, which
// are nearly all of a request, are cut out on the raw bytes: each span is parsed from its own
// small string, and the rest of the body (resources, scopes) is parsed with empty arrays in
// their place. Whatever this does not recognise as a plain OTLP request (a `spans` key anywhere
// else, a duplicate key, invalid JSON) is parsed whole instead, so the answer never depends on
// this path.

const QUOTE = 0x22
const BACKSLASH = 0x5c
const SPANS_KEY = Buffer.from('"spans"')

interface Cut {
  /** The first byte inside the array, and its closing bracket. */
  start: number
  end: number
  /** Where each element starts and ends, in pairs. */
  bounds: number[]
}

/** The request, parsed; `null` when the body should be parsed whole. */
export function parseOtlpJsonBySpan(body: Buffer): unknown {
  const cuts: Cut[] = []
  for (let at = body.indexOf(SPANS_KEY); at !== -1; at = body.indexOf(SPANS_KEY, at + 1)) {
    let i = skipSpace(body, at + SPANS_KEY.length)
    if (body[i] !== 0x3a /* : */) continue // "spans" as a value, not a key
    i = skipSpace(body, i + 1)
    if (body[i] !== 0x5b /* [ */) return null
    const cut = scanArray(body, i)
    if (!cut) return null
    cuts.push(cut)
    at = cut.end
  }
  if (cuts.length === 0) return null
  try {
    const skeleton = JSON.parse(withoutArrays(body, cuts)) as Record<string, unknown>
    const holes = scopeSpansOf(skeleton)
    // Every array cut must be a scope's `spans`, in order: as many as the scopes that have one,
    // and no `spans` key anywhere else (one spelled with escapes, say, or an unknown field).
    if (!holes || holes.length !== cuts.length || spansKeys(skeleton) !== cuts.length) return null
    holes.forEach((scope, k) => {
      const { bounds } = cuts[k]
      const spans: unknown[] = []
      for (let e = 0; e < bounds.length; e += 2) spans.push(JSON.parse(body.toString('utf8', bounds[e], bounds[e + 1])))
      scope.spans = spans
    })
    return skeleton
  } catch {
    return null
  }
}

function skipSpace(b: Buffer, i: number): number {
  while (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09) i++
  return i
}

/**
 * The array opened at `open`, in one pass: where it closes, and where its elements start and
 * end (at its own commas, outside strings and nested values); null if it never closes.
 */
function scanArray(b: Buffer, open: number): Cut | null {
  const bounds: number[] = []
  const len = b.length
  let depth = 0
  let from = open + 1
  for (let i = open; i < len; i++) {
    const c = b[i]
    if (c === QUOTE) {
      for (i++; i < len; i++) {
        const d = b[i]
        if (d === BACKSLASH) i++
        else if (d === QUOTE) break
      }
    } else if (c === 0x5b || c === 0x7b) depth++
    else if (c === 0x5d || c === 0x7d) {
      if (--depth > 0) continue
      if (c !== 0x5d) return null
      // The last element; none is fine only for an empty array (`[1,]` is not JSON, and
      // parsing the empty text after its comma fails, so the body is parsed whole).
      if (skipSpace(b, from) < i || bounds.length) bounds.push(from, i)
      return { start: open + 1, end: i, bounds }
    } else if (c === 0x2c /* , */ && depth === 1) {
      bounds.push(from, i)
      from = i + 1
    }
  }
  return null
}

/** The body with every cut array left empty, as a string. */
function withoutArrays(body: Buffer, cuts: Cut[]): string {
  let text = ''
  let from = 0
  for (const { start, end } of cuts) {
    text += body.toString('utf8', from, start)
    from = end
  }
  return text + body.toString('utf8', from)
}

/**
 * Each scope's object whose `spans` were cut, in body order; null unless each cut array is the
 * `spans` of a scope (anything else, the body is parsed whole).
 */
function scopeSpansOf(req: Record<string, unknown>): Array<Record<string, unknown>> | null {
  const out: Array<Record<string, unknown>> = []
  const resources = req.resourceSpans ?? req.resource_spans
  if (!Array.isArray(resources)) return null
  for (const rs of resources) {
    if (typeof rs !== 'object' || rs === null) return null
    const lists = ['scopeSpans', 'scope_spans', 'instrumentationLibrarySpans', 'instrumentation_library_spans'].filter((k) => k in rs)
    if (lists.length > 1) return null
    const scopes = lists.length ? (rs as Record<string, unknown>)[lists[0]] : []
    if (!Array.isArray(scopes)) return null
    for (const ss of scopes) {
      if (typeof ss !== 'object' || ss === null) return null
      const spans = (ss as Record<string, unknown>).spans
      if (spans === undefined) continue
      if (!Array.isArray(spans) || spans.length !== 0) return null
      out.push(ss as Record<string, unknown>)
    }
  }
  return out
}

function spansKeys(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0
  let n = 0
  if (Array.isArray(v)) for (const x of v) n += spansKeys(x)
  else for (const k in v) n += (k === 'spans' ? 1 : 0) + spansKeys((v as Record<string, unknown>)[k])
  return n
}
