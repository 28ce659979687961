// OTLP/JSON bodies are read by JSON.parse of the whole body (a span-by-span reader on the raw
// bytes was dropped: docs/performance.md "Fast paths"); what is not JSON is a 400 with a reason.
import { describe, expect, it } from 'vitest'
import { decodeJson, OtlpBodyError } from '../server/traces/otlp.ts'

const span = (n: number, extra: Record<string, unknown> = {}) => ({
  traceId: '5b8efff798038103d269b633813fc60c', spanId: `eee19b7ec3c1b17${n % 10}`, name: `step ${n}`,
  startTimeUnixNano: '1800000000000000000', attributes: [{ key: 'k', value: { stringValue: `v${n}` } }], ...extra,
})
const request = (scopes: object[][], extra: Record<string, unknown> = {}) => ({
  resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'boomi' } }] }, scopeSpans: scopes.map((spans, i) => ({ scope: { name: `s${i}` }, spans })), ...extra }],
})

/** Bodies of every shape senders use. */
const plain: Record<string, string> = {
  'one scope': JSON.stringify(request([[span(1), span(2), span(3)]])),
  'pretty-printed, CRLF and tabs': JSON.stringify(request([[span(1), span(2)]]), null, '\t').replace(/\n/g, '\r\n'),
  'several resources and scopes, one empty': JSON.stringify({
    resourceSpans: [request([[span(1)], [], [span(2), span(3)]]).resourceSpans[0], request([[span(4)]]).resourceSpans[0]],
  }),
  'strings with quotes, backslashes, brackets and commas': JSON.stringify(
    request([[span(1, { name: 'a "quoted" [name], {with} \\ backslash\\', status: { message: '\\"],[{' } }), span(2, { name: '\\' })]]),
  ),
  '"spans" as a value, and inside a span': JSON.stringify(request([[span(1, { name: 'spans', spans: [1, 2], attributes: [{ key: 'spans', value: { stringValue: '"spans":[' } }] })]])),
  'non-ASCII text': JSON.stringify(request([[span(1, { name: 'Zürich → 東京 😀' })]])),
  'nested arrays and kvlists in attributes': JSON.stringify(
    request([[span(1, { attributes: [{ key: 'a', value: { arrayValue: { values: [{ kvlistValue: { values: [{ key: 'x', value: { intValue: '1' } }] } }] } } }] })]]),
  ),
  'instrumentationLibrarySpans (older senders)': JSON.stringify({ resourceSpans: [{ resource: {}, instrumentationLibrarySpans: [{ instrumentationLibrary: { name: 'old' }, spans: [span(1)] }] }] }),
  'snake_case names': JSON.stringify({ resource_spans: [{ scope_spans: [{ spans: [span(1)] }] }] }),
}

/** Valid JSON with `spans` keys in unusual places. */
const declined: Record<string, string> = {
  'a "spans" key outside a scope': JSON.stringify(request([[span(1)]], { spans: [span(9)] })),
  'a spans key spelled with an escape': JSON.stringify(request([[span(1)]])).replace('"spans"', '"sp\\u0061ns"'),
  // The one cut array (the resource's) and the one scope with spans would pair up, wrongly.
  'an escaped spans key in a scope, and a spans key in its resource': JSON.stringify({
    resourceSpans: [{ resource: { spans: [span(9)] }, scopeSpans: [{ scope: { name: 's' }, spans: [] }] }],
  }).replace('"spans":[]', '"sp\\u0061ns":[]'),
  'a duplicate spans key': JSON.stringify(request([[span(1)]])).replace('"spans":[', '"spans":[],"spans":['),
  'no spans at all': JSON.stringify({ resourceSpans: [] }),
  'spans that are not an array': JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: { a: 1 } }] }] }),
}

/** Not JSON (or not whole): refused. */
const broken: Record<string, string> = {
  'a trailing comma in spans': JSON.stringify(request([[span(1)]])).replace(/\}\]\}\]/, '},]}]'),
  'two commas': JSON.stringify(request([[span(1), span(2)]])).replace('},{', '},,{'),
  'a missing comma': JSON.stringify(request([[span(1), span(2)]])).replace('},{', '}{'),
  'cut off inside spans': JSON.stringify(request([[span(1), span(2)]])).slice(0, 300),
  'garbage after the body': JSON.stringify(request([[span(1)]])) + 'x',
  'an unterminated string in a span': JSON.stringify(request([[span(1)]])).replace('"step 1"', '"step 1'),
}

describe('OTLP/JSON bodies', () => {
  for (const [name, text] of Object.entries({ ...plain, ...declined }))
    it(`reads the whole body: ${name}`, () => {
      expect(decodeJson(Buffer.from(text))).toEqual(JSON.parse(text))
    })

  for (const [name, text] of Object.entries(broken))
    it(`refuses what is not JSON: ${name}`, () => {
      expect(() => decodeJson(Buffer.from(text))).toThrow(OtlpBodyError)
      expect(() => decodeJson(Buffer.from(text))).toThrow(/^The body is not valid JSON: /)
    })
})
